# Pourquoi un nom collé, un fichier de liste ou de réglages a été refusé
# (crates/policy : domain.rs, error.rs, list.rs, settings.rs, import.rs,
# policy.rs, special.rs, feed.rs). Le plus souvent lu par un parent qui a collé un nom
# ou modifié un fichier à la main. La plupart s’affichent après « Impossible
# de l’ajouter : » ou après un fichier et une ligne : ils commencent donc par
# une minuscule.

## Un nom qui ne peut pas être un site (vigie_policy::Error, un id par variante)

reason-empty-name = le nom est vide : entrez le nom d’un site, comme exemple.fr
reason-ip-address = « { $name } » est une adresse IP, pas le nom d’un site : Vigie bloque les sites par leur nom, entrez donc un nom comme exemple.fr
# $shown est l’un des messages reason-character-* ci-dessous.
reason-bad-character = « { $name } » contient { $shown }, qui ne peut pas faire partie du nom d’un site
reason-character-space = une espace
reason-character-underscore = un tiret bas (_)
# $code est le code du caractère en hexadécimal, p. ex. 200B.
reason-character-invisible = le caractère invisible U+{ $code }
reason-character-other = « { $char } »
reason-empty-label = « { $name } » a une partie vide entre deux points
reason-hyphen-at-edge = « { $label } » dans « { $name } » commence ou finit par un trait d’union, ce qui est impossible dans un nom
reason-label-too-long = « { $name } » est trop long : chaque partie entre deux points peut compter au plus { $max } caractères, et l’une en a { $len }
reason-name-too-long = le nom est trop long : il peut compter au plus { $max } caractères, et il en a { $len }
reason-single-label = « { $name } » n’est pas un nom de site complet : entrez un nom avec un point, comme exemple.fr
reason-public-suffix = « { $name } » est une terminaison commune à une foule de sites sans rapport entre eux, pas un site : entrez un nom complet comme exemple.{ $name }
reason-invalid-idn = « { $name } » n’est pas un nom international valide

## Problèmes dans un fichier (vigie_policy::Error), situés dans le fichier

# $file, $line et $column : passez $line et $column sous forme de texte pour qu’ils ne soient pas groupés.
file-error-syntax = { $file }:{ $line }:{ $column } : { $reason }
file-error-at = { $file }:{ $line }:{ $column } : { $problem }
file-error-setting = { $file } : { $field } : { $reason }
file-error-duplicate = « { $domain } » figure deux fois : dans le site « { $first } » puis dans le site « { $second } »
file-error-duplicate-list = l’identifiant de liste « { $id } » est utilisé à la fois par { $first } et par { $second }
file-error-io = { $path } : { $reason }
# $problems : les problèmes joints par file-error-separator.
file-error-invalid = { $count ->
    [one] { $count } problème : { $problems }
   *[other] { $count } problèmes : { $problems }
}
file-error-separator = ;

## Fichiers de liste (list.rs, policy.rs)

list-error-needs-name = la liste a besoin d’un nom que les parents liront
list-error-site-needs-name = chaque site a besoin d’un nom que les parents liront
list-error-site-no-domain = le site « { $site } » n’indique aucun domaine
list-error-id-length = un identifiant de liste compte de 1 à { $max } caractères
list-error-id-characters = « { $id } » ne peut contenir que des minuscules, des chiffres et des traits d’union (pas au début)
list-error-unknown-id = aucune liste n’a cet identifiant ; ce réglage est ignoré
list-error-file-name = le nom du fichier est l’identifiant de la liste : { $reason }
list-error-sequence = la séquence est un nombre entier positif ou nul, sans guillemets, comme 2026120100
list-imported-from = Importée depuis { $path }

## Pourquoi un site est bloqué (brand.rs)

# Comment la console et le journal nomment ce qu’une règle de marque a bloqué
# (p. ex. Omegle) : la colonne « site » du journal, les sites les plus tentés.
site-brand = ressemble à { $brand }

## Textes en plusieurs langues (text.rs) : nom et description d’une liste, note d’un site

text-error-language = « { $code } » n’est pas un code de langue : écrivez un code court en minuscules, comme en ou fr
text-error-not-text = la version de chaque langue doit être un texte entre guillemets
text-error-empty = cette version est vide : écrivez le texte, ou supprimez la ligne
text-error-needs-english = un texte écrit en plusieurs langues doit avoir sa version anglaise (en) : c’est elle que voient les lecteurs des autres langues

## Importer une liste communautaire (import.rs)

import-summary = { $taken ->
    [one] { $taken } nom retenu
   *[other] { $taken } noms retenus
}, { $skipped } ignorés ({ $reasons })
import-summary-first = { $summary } ; premier à la ligne { $line } : { $detail }
# Un nombre de lignes ignorées, p. ex. « 3 × une règle d’exception » ; $reason est un message import-skip-*.
import-skip-count = { $count } × { $reason }
import-skip-invalid-name = pas un nom de domaine valide
import-skip-ip-address = une adresse IP, pas un nom
import-skip-public-suffix = une terminaison commune à beaucoup de sites
import-skip-local-name = un nom local de cet ordinateur
import-skip-not-a-hosts-line = pas une adresse suivie de noms
import-skip-not-a-domain-rule = une règle qui ne vise pas un domaine entier
import-skip-exception-rule = une règle d’exception
import-detail-not-an-address = « { $address } » n’est pas une adresse ; une ligne de fichier hosts commence par une adresse, comme 0.0.0.0
import-detail-local-name = « { $name } » désigne cet ordinateur
import-detail-exception-rule = « { $rule } » est une règle d’exception
import-detail-not-a-domain-rule = « { $rule } » n’est pas une règle visant un domaine entier, comme ||example.com^

## settings.toml (settings.rs)

setting-error-listen-address = « { $text } » n’est pas une adresse avec un port, comme 127.0.0.1:53 ou [::1]:53
setting-error-listen-empty = il faut au moins une adresse, comme 127.0.0.1:53
setting-error-upstream-address = « { $address } » n’est pas une adresse IP (avec un port facultatif), comme 9.9.9.9 ou 9.9.9.9:853
setting-error-server-name = tls et https ont besoin du nom inscrit sur le certificat du serveur, comme dns.quad9.net
setting-error-path = « { $path } » doit commencer par /
setting-error-block-address = « { $address } » n’est pas une adresse IPv4, comme 127.0.0.88
setting-error-page-listen = « { $text } » n’est pas une adresse avec un port, comme 127.0.0.88:80
setting-error-out-of-range = { $value } est hors limites : choisissez entre { $min } et { $max }
setting-error-language = « { $text } » n’est pas une langue que Vigie parle : choisissez auto, fr ou en

## Noms qui reçoivent toujours la même réponse, quoi que disent les listes (special.rs)

special-firefox-canary = le DNS-over-HTTPS automatique de Firefox reste désactivé sur cet ordinateur
special-private-relay = le relais privé iCloud n’est pas disponible sur cet ordinateur
special-resolver-discovery = la découverte de résolveurs chiffrés n’est pas proposée ici

## Le flux signé de Vigie pour la liste des sites de discussion avec des inconnus (feed.rs), téléchargé par le service

feed-error-signature-missing = le flux n’a pas de signature : il est publié avec elle, à l’adresse du flux suivie de .minisig
feed-error-signature-malformed = la signature du flux n’est pas au format minisign : quatre lignes, un commentaire non signé, la signature, un commentaire signé et la signature globale
feed-error-signature-legacy = la signature du flux est à l’ancien format de minisign, que Vigie n’accepte pas : signez de nouveau le flux avec vigie feed sign ou un minisign récent
feed-error-key-malformed = la clé publique du flux n’est pas une clé publique minisign : donnez la ligne qui commence par RW, ou tout le fichier .pub
# $signed et $trusted sont des identifiants de clé, 16 chiffres hexadécimaux.
feed-error-wrong-key = le flux a été signé avec la clé { $signed }, et non avec la clé { $trusted } à laquelle Vigie se fie
feed-error-bad-signature = la signature du flux ne correspond pas à son contenu : le flux ou sa signature a été modifié après la signature
feed-error-no-signed-sequence = le commentaire signé est « { $comment } », sans « vigie-feed sequence=N » : signez le flux avec ce commentaire
# $problem : pourquoi le texte du flux ne se lit pas comme un fichier de liste.
feed-error-not-a-list = le flux n’est pas une liste Vigie : { $problem }
feed-error-wrong-list = le flux contient la liste « { $id } », et non la liste « { $expected } » de Vigie
feed-error-no-sequence = la liste du flux n’a pas de numéro de séquence : sa table [list] doit contenir sequence = N
# Les numéros de séquence sont passés sous forme de texte, comme 2026120100.
feed-error-sequence-mismatch = la liste du flux indique la séquence { $body }, mais sa signature indique la séquence { $signed }
feed-error-not-newer = la séquence { $sequence } du flux n’est pas plus récente que { $current }, celle en vigueur : une copie plus ancienne ne remplace jamais une plus récente
feed-error-empty = la liste du flux ne contient aucun site : l’appliquer débloquerait tous les sites de la liste fournie avec Vigie
