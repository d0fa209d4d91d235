# La console du parent (ui/) : tous les mots que le parent lit dans la fenêtre.
# On vouvoie le parent. Les nombres passés en variables sont mis en forme pour
# la langue ; passez les numéros de ligne et les années sous forme de texte.

## La fenêtre et sa navigation

app-name = Vigie
app-window-title = Vigie — console des parents
nav-label = Écrans
nav-overview = Vue d’ensemble
nav-sites = Sites
nav-activity = Activité
nav-settings = Réglages
nav-lock-now = Verrouiller

## Le bandeau affiché tant que le service ne répond pas

banner-down = Le service de Vigie ne fonctionne pas : cet ordinateur n’est pas protégé en ce moment.
banner-what-to-do = Que faire :
banner-retrying = { $seconds ->
    [one] Nouvel essai chaque seconde…
   *[other] Nouvel essai toutes les { $seconds } secondes…
}

## Cet ordinateur est-il protégé ? (écran verrouillé, vue d’ensemble, bandeau)

protection-down-headline = Non protégé : le service de Vigie ne fonctionne pas
protection-down-detail = Tant qu’il est arrêté, les sites bloqués s’ouvrent normalement et rien n’est enregistré.
protection-down-fix = Redémarrez l’ordinateur. Si cela continue, lancez `sudo systemctl restart vigie` (ou `vigie run --dev` si vous essayez Vigie). Cette fenêtre se reconnecte toute seule.
protection-paused-headline = En pause jusqu’à { $time }
protection-paused-detail = Un parent a mis la protection en pause. Les sites bloqués s’ouvrent jusque-là ; elle reprendra toute seule.
protection-paused-fix = Appuyez sur « { overview-resume } » pour la remettre en marche tout de suite.
protection-not-reaching-headline = Non protégé : les recherches de cet ordinateur ne passent pas par Vigie
protection-not-reaching-detail = L’ordinateur interroge un autre serveur DNS : Vigie ne voit donc jamais les sites qui s’ouvrent.
protection-not-reaching-fix = Réinstallez Vigie, ou remettez 127.0.0.1 comme serveur DNS de cet ordinateur.
protection-config-error-headline = Protégé, mais votre dernière modification n’a pas pris effet
protection-config-error-detail = Les réglages précédents restent en vigueur. Le problème : { $problem }
protection-config-error-fix = Corrigez le fichier indiqué ci-dessus, ou annulez votre dernière modification.
protection-ok-headline = Cet ordinateur est protégé
protection-ok-detail = { $count ->
    [one] { $count } domaine bloqué est en vigueur.
   *[other] { $count } domaines bloqués sont en vigueur.
}

## Écran verrouillé et premier lancement

lock-welcome-title = Bienvenue dans Vigie
lock-welcome-intro = Choisissez le mot de passe des parents. Il protège les listes, l’historique des tentatives et les réglages. Gardez-le pour vous : qui le connaît peut désactiver le blocage.
lock-welcome-administrator = L’ordinateur peut demander son mot de passe administrateur (celui demandé pour installer des programmes) : seul un parent peut choisir ce mot de passe.
lock-password-label = Mot de passe des parents
lock-strength-label = Solidité du mot de passe
lock-confirm-label = Retapez-le
lock-set-password = Enregistrer le mot de passe
lock-locked-title = Vigie est verrouillé
lock-locked-intro = Tapez le mot de passe des parents pour voir les listes, les tentatives et les réglages.
lock-unlock = Déverrouiller

## Solidité du mot de passe, pendant la saisie d’un nouveau mot de passe

strength-empty-hint = Au moins { $min } caractères. Une petite phrase se retient facilement et se devine difficilement.
strength-too-short = Trop court
strength-missing = { $count ->
    [one] Encore { $count } caractère.
   *[other] Encore { $count } caractères.
}
strength-easy = Facile à deviner
strength-easy-hint = Évitez les mots de passe courants et les caractères répétés.
strength-fair = Moyen
strength-fair-hint = Plus c’est long, mieux c’est : essayez trois ou quatre mots séparés par des espaces.
strength-good = Bon
strength-good-hint = Quelques mots de plus le rendraient encore plus solide.
strength-strong = Solide
strength-strong-hint = Très bien : les mots de passe longs sont les plus difficiles à deviner.
# Une appréciation suivie de son conseil, p. ex. « Trop court. Encore 3 caractères. »
strength-label-and-hint = { $label }. { $hint }
password-too-short = Le mot de passe doit compter au moins { $min } caractères.
password-mismatch = Les deux mots de passe ne sont pas identiques.

## Vue d’ensemble

overview-resume = Reprendre la protection
overview-resumed = La protection est de nouveau active.
overview-pause = { $minutes ->
    [one] Pause de { $minutes } minute
   *[other] Pause de { $minutes } minutes
}
overview-paused = { $minutes ->
    [one] La protection est en pause pour { $minutes } minute.
   *[other] La protection est en pause pour { $minutes } minutes.
}
overview-what-to-do = Que faire :
overview-journal-error = Les tentatives ne sont pas enregistrées :
overview-upstream-down = Vigie n’arrive pas à joindre les serveurs DNS auxquels il transmet les recherches : les sites autorisés risquent de ne pas s’ouvrir. Vérifiez la connexion à internet, ou choisissez un autre serveur dans les Réglages.
overview-coverage-title = Ce qui est protégé
coverage-lists = Les listes sont en vigueur : { $count } domaines sont bloqués.
coverage-lists-off = Certaines listes sont désactivées : { $lists }.
coverage-system-ok = Les recherches de cet ordinateur passent par Vigie.
coverage-system-bad = Les recherches de cet ordinateur n’atteignent pas encore Vigie.
coverage-system-unknown = Vigie n’a pas encore vérifié que les recherches de cet ordinateur lui parviennent.
coverage-redirect-active = Les programmes qui choisissent leur propre serveur DNS sont eux aussi renvoyés vers Vigie.
coverage-redirect-failed = Les programmes qui choisissent leur propre serveur DNS ne sont pas renvoyés vers Vigie en ce moment : la redirection n’est pas en place.
coverage-redirect-none = Les programmes qui choisissent leur propre serveur DNS ne sont pas renvoyés vers Vigie : la redirection n’est pas installée sur cet ordinateur (elle demande nftables). La plupart des programmes utilisent de toute façon le DNS de l’ordinateur.
coverage-feeds-ok = { $count ->
    [one] Vigie tient { $count } liste en ligne à jour.
   *[other] Vigie tient { $count } listes en ligne à jour.
}
overview-dnssec-in-front = systemd-resolved vérifie les signatures DNSSEC sur cet ordinateur (DNSSEC={ $value } dans ses réglages) : il présente les sites bloqués comme des erreurs, sans la page de blocage ni l’avis à l’enfant. Mettez DNSSEC=no dans ses réglages, ou réinstallez Vigie.
overview-dns-no-server = Le réseau de cet ordinateur ne propose pas encore de serveur DNS : les sites non bloqués ne s’ouvriront pas tant qu’il n’en propose pas (les sites bloqués le restent). Vérifiez la connexion Wi-Fi ou le câble.
overview-dns-none-answers = Aucun serveur DNS ne répond ({ $servers }) depuis { $time } : les sites non bloqués risquent de ne pas s’ouvrir, sauf ceux visités récemment. Vérifiez la connexion à internet.
overview-dns-chosen-silent = Le serveur DNS que vous avez choisi, { $servers }, ne répond plus depuis { $time } ; en attendant, Vigie utilise celui du réseau : { $using }. Les listes s’appliquent toujours.
overview-dns-one-silent = Le serveur DNS { $servers } ne répond plus depuis { $time } ; Vigie utilise { $using }.
settings-dns-network-now = En ce moment, le réseau propose { $servers } (trouvé par { $source }) ; Vigie le suit d’un réseau à l’autre.
settings-dns-network-none = En ce moment, le réseau ne propose aucun serveur DNS.
settings-dns-chosen-fallback = Si le serveur ci-dessous ne répond pas (sur le Wi-Fi d’un hôtel avant sa page de connexion, par exemple), Vigie demande à celui du réseau : { $servers }.
overview-today-title = Tentatives aujourd’hui
overview-since-start = { $blocked ->
    [one] { $blocked } recherche bloquée
   *[other] { $blocked } recherches bloquées
} sur { $queries } depuis le démarrage de Vigie.
overview-chart-title = { $days ->
    [one] Tentatives par jour, dernier jour
   *[other] Tentatives par jour, { $days } derniers jours
}
overview-chart-label = { $days ->
    [one] Tentatives par jour sur le dernier jour
   *[other] Tentatives par jour sur les { $days } derniers jours
}
overview-chart-dataset = Tentatives
overview-top-title = Sites les plus tentés
overview-top-empty = { $days ->
    [one] Aucune tentative ces dernières 24 heures.
   *[other] Aucune tentative ces { $days } derniers jours.
}
overview-attempts = { $count ->
    [one] { $count } tentative
   *[other] { $count } tentatives
}

## Sites

sites-add-title = Bloquer un site
sites-add-hint = Collez n’importe quoi : une adresse copiée du navigateur, un nom avec www., des majuscules. Vigie vous montre ce qu’il va bloquer avant que vous enregistriez.
sites-input-label = Adresse ou nom
sites-input-placeholder = https://www.exemple.fr/page
sites-name-label = Nom à afficher (facultatif)
sites-name-placeholder = facultatif, p. ex. Chat exemple
sites-block = Bloquer ce site
sites-allow = L’autoriser plutôt
sites-saved-blocked = Enregistré : { $domain } et tout ce qui en dépend sont bloqués dès maintenant.
sites-saved-allowed = Enregistré : { $domain } est autorisé dès maintenant, quoi que disent les listes.
sites-conflict = Vos sites ont été modifiés ailleurs entre-temps. La liste ci-dessous est à jour : vérifiez-la, puis enregistrez de nouveau.
sites-test-title = Tester un nom
sites-test-label = Nom ou adresse
sites-test-placeholder = www.omegle.com
sites-test-button = Tester
sites-mine-title = Vos sites bloqués
sites-mine-empty = Aucun pour l’instant : collez une adresse ci-dessus pour bloquer un site.
sites-allowed-title = Toujours autorisés
sites-allowed-hint = Un site autorisé s’ouvre même si une liste le bloque.
sites-allowed-empty = Rien n’est autorisé par-dessus les listes.
sites-lists-title = Listes fournies avec Vigie
sites-remove = Retirer
sites-remove-label = Retirer { $domain }
sites-removed = { $domain } est retiré. C’est effectif dès maintenant.
sites-list-on = Activée
sites-list-off = Désactivée
sites-list-turned-on = « { $list } » est activée : ses sites sont bloqués.
sites-list-turned-off = « { $list } » est désactivée : ses sites s’ouvrent normalement.
sites-list-search = Chercher dans cette liste
sites-list-search-label = Chercher dans « { $list } »
sites-list-show = { $count ->
    [one] Voir son site
   *[other] Voir ses { $count } sites
}
sites-list-counts = { $sites ->
    [one] { $sites } site
   *[other] { $sites } sites
}, { $domains ->
    [one] { $domains } domaine
   *[other] { $domains } domaines
}

## Sites : listes en ligne (des listes que d’autres tiennent à jour sur le web, téléchargées par le service)

feeds-title = Listes en ligne
feeds-hint = Des listes que d’autres personnes tiennent à jour sur le web. Vigie les télécharge de nouveau en arrière-plan et bloque leurs sites ; quand un téléchargement échoue, la dernière bonne copie reste en vigueur.
feeds-empty = Aucune liste en ligne pour l’instant : collez ci-dessous l’adresse d’une liste.
feeds-add-title = Ajouter une liste en ligne
feeds-url-label = Adresse de la liste
feeds-url-placeholder = https://example.org/liste.txt
# Sous la zone d’adresse : d’où vient la liste, p. ex. « Depuis example.org ».
feeds-url-host = Depuis { $host }
feeds-url-empty = Collez l’adresse d’une liste ; elle commence par https://.
feeds-name-label = Nom à afficher (facultatif)
feeds-name-placeholder = facultatif : { $host } si vous le laissez vide
feeds-name-placeholder-none = facultatif : le nom du serveur si vous le laissez vide
feeds-advanced = Options avancées
feeds-format-label = Format
feeds-format-auto = Reconnu automatiquement
feeds-format-hosts = Fichier hosts (0.0.0.0 example.com)
feeds-format-domains = Un domaine par ligne
feeds-format-adblock = Règles Adblock (||example.com^)
feeds-format-vigie = Liste Vigie (TOML)
feeds-refresh-label = Chercher une nouvelle copie
feeds-every-hours = { $count ->
    [one] toutes les heures
   *[other] toutes les { $count } heures
}
feeds-every-days = { $count ->
    [one] tous les jours
   *[other] tous les { $count } jours
}
# $every : à quelle fréquence, p. ex. « tous les jours »
feeds-every = Vérifiée { $every }.
feeds-add = Ajouter cette liste
feeds-added = « { $name } » est ajoutée. Vigie la télécharge maintenant.
feeds-conflict = Les listes en ligne ont été modifiées ailleurs entre-temps. La liste ci-dessus est à jour : vérifiez-la, puis ajoutez de nouveau.
feeds-state-ok = À jour
feeds-state-pending = Pas encore téléchargée
feeds-state-failing = En échec
feeds-state-off = Désactivée
feeds-domains = { $count ->
    [one] { $count } domaine
   *[other] { $count } domaines
}
feeds-line-off = Désactivée : ses sites s’ouvrent normalement.
feeds-line-pending = Pas encore téléchargée.
# $when : p. ex. « il y a 2 heures », « à l’instant », « le 23 nov. 2026 à 14:05 »
feeds-line-updated = Mise à jour { $when }.
# $reason : pourquoi, p. ex. « le serveur a répondu 503 »
feeds-line-failed = Le téléchargement a échoué : { $reason }.
feeds-line-failed-at = La dernière vérification, { $when }, a échoué : { $reason }.
feeds-line-failing-kept = La copie téléchargée { $when } reste en vigueur.
feeds-line-failing-nothing = Rien n’est encore téléchargé : elle ne bloque donc rien.
# $when : p. ex. « dans 5 minutes »
feeds-line-next-try = Prochain essai { $when }.
feeds-line-checking = Vérification en cours…
feeds-error-unknown = aucune raison n’a été donnée
feeds-toggle-label = Utiliser « { $name } »
feeds-refresh = Actualiser maintenant
feeds-refresh-label-for = Actualiser « { $name } » maintenant
feeds-refreshing = Vérification de « { $name } » en cours.
feeds-remove = Retirer
feeds-remove-label = Retirer « { $name } »
feeds-remove-confirm = Retirer « { $name } » ? Ses sites s’ouvriront de nouveau, sauf si une autre liste les bloque.
feeds-remove-yes = Oui, la retirer
feeds-remove-cancel = La garder
feeds-removed = « { $name } » est retirée.

## Sites : mises à jour de la liste de Vigie (sa liste en ligne signée)

vigie-feed-title = Mises à jour de la liste de Vigie
vigie-feed-hint = Le projet publie de nouvelles copies signées de sa liste des clones d’Omegle : un nouveau clone est ainsi bloqué sans attendre une nouvelle version de Vigie.
vigie-feed-none = Cette copie de Vigie n’a pas de liste en ligne : les listes se mettent à jour avec les nouvelles versions.
vigie-feed-toggle = Télécharger les mises à jour de la liste de Vigie
vigie-feed-off = Désactivées : la liste fournie avec cette version de Vigie reste en vigueur.
vigie-feed-pending = Activées, pas encore vérifiées.
vigie-feed-checked = Activées, vérifiées { $when }.
vigie-feed-failing = Activées, mais la dernière vérification a échoué : { $reason }.
# $sequence, $shipped : des numéros de liste comme 2026120502
vigie-feed-newer = La liste en vigueur porte le numéro { $sequence }, plus récente que celle fournie avec cette version ({ $shipped }).
vigie-feed-shipped = La liste en vigueur est celle fournie avec cette version (numéro { $sequence }).
vigie-feed-address = Téléchargée depuis { $url }
vigie-feed-mirror-label = Une autre adresse (un miroir)
vigie-feed-mirror-hint = Une copie venue d’une autre adresse doit porter la signature du projet, sinon Vigie la refuse.
vigie-feed-mirror-save = Utiliser cette adresse
vigie-feed-builtin = Revenir à l’adresse d’origine
vigie-feed-turned-on = Les mises à jour de la liste de Vigie sont activées.
vigie-feed-turned-off = Les mises à jour de la liste de Vigie sont désactivées : la liste fournie avec cette version reste en vigueur.
vigie-feed-mirror-saved = La liste de Vigie se télécharge désormais depuis { $host }.
vigie-feed-builtin-saved = La liste de Vigie se télécharge de nouveau depuis son adresse d’origine.

## Ce que devient une adresse collée (sous la zone de saisie)

preview-becomes = Devient { $domain } : le site et tous les noms qui en dépendent.
# Un nom international et la forme utilisée par le DNS, p. ex. « bücher.example (xn--bcher-kva.example) ».
preview-unicode-form = { $unicode } ({ $domain })
preview-refused = Impossible de l’ajouter : { $reason }

## Activité

activity-title = Tentatives d’ouvrir des sites bloqués
activity-search = Rechercher
activity-search-placeholder = Noms, sites, comptes, appareils
activity-site = Site
activity-all-sites = Tous les sites
activity-from = Du
activity-to = Au
activity-export = Exporter en CSV
activity-exported = Toutes les tentatives correspondantes sont enregistrées dans { $path }. Le fichier s’ouvre avec n’importe quel tableur.
activity-empty = Aucune tentative ne correspond.
activity-via = via { $cname }
activity-col-when = Quand
activity-col-site = Site
activity-col-name = Nom recherché
activity-col-lookups = Recherches
activity-col-who = Qui
activity-account = Compte
activity-all-accounts = Tous les comptes
# Un compte dans le filtre : le nom de la personne, puis l’identifiant.
activity-account-option = { $name } ({ $login })
# Une tentative depuis cet ordinateur dont on ne peut pas savoir le compte (elle
# est passée par un résolveur qui demande pour tout le monde, comme systemd-resolved).
activity-this-computer = Cet ordinateur (compte inconnu)
activity-program = avec { $program }
activity-through = par { $stub }
activity-device = Appareil { $address }
activity-newer = Plus récentes
activity-older = Plus anciennes
activity-page = Page { $page }

## Réglages

settings-title = Réglages
settings-upstream-legend = Où vont les recherches autorisées
settings-custom-address = Adresse du serveur
settings-custom-protocol = Protocole
settings-custom-server-name = Nom du serveur (pour le DNS chiffré)
settings-block-mode = Quand un site est bloqué
settings-block-mode-blockpage = Afficher une page d’explication (recommandé)
settings-block-mode-null = Échouer à se connecter, sans rien dire
settings-block-mode-nxdomain = Dire que le site n’existe pas
settings-notices = Afficher un message à l’écran quand quelqu’un essaie d’ouvrir un site bloqué
settings-retention = Conserver l’historique des tentatives pendant (jours)
settings-retention-too-short = { $min ->
    [one] Conservez les tentatives au moins { $min } jour.
   *[other] Conservez les tentatives au moins { $min } jours.
}
settings-save = Enregistrer les réglages
settings-saved = Enregistré. Les nouveaux réglages s’appliquent dès maintenant.
settings-saved-toast = Réglages enregistrés. Ils s’appliquent dès maintenant.
settings-language-title = Langue
settings-language = Langue de la console
settings-language-auto = Automatique
settings-language-fr = Français
settings-language-en = English
settings-language-hint = « Automatique » suit la langue de la session de cet ordinateur.

## Où vont les recherches autorisées : choix tout prêts et serveur personnalisé

preset-system-label = Le DNS habituel de cet ordinateur (recommandé)
preset-system-description = Les serveurs DNS du réseau où se trouve l’ordinateur (en général votre box internet), suivis d’un réseau à l’autre.
preset-cloudflare-family-label = Cloudflare for Families (chiffré, filtre les contenus pour adultes)
preset-cloudflare-family-description = DNS over HTTPS vers 1.1.1.3 : bloque aussi les logiciels malveillants et les sites pour adultes.
preset-cleanbrowsing-family-label = CleanBrowsing Family (chiffré, filtre les contenus pour adultes)
preset-cleanbrowsing-family-description = DNS over HTTPS vers le filtre familial de CleanBrowsing.
preset-quad9-label = Quad9 (chiffré, bloque les logiciels malveillants)
preset-quad9-description = DNS over TLS vers 9.9.9.9.
upstream-custom-label = Un autre serveur DNS
upstream-custom-description = Par exemple l’adresse de votre propre routeur.
upstream-protocol-udp = Simple (UDP)
upstream-protocol-tcp = Simple (TCP)
upstream-protocol-tls = Chiffré (TLS)
upstream-protocol-https = Chiffré (HTTPS)
upstream-problem-empty = Tapez l’adresse du serveur DNS, par exemple 192.168.1.1.
upstream-problem-not-ip = « { $address } » n’est pas une adresse IP : un serveur DNS s’indique par son adresse, comme 192.168.1.1.
upstream-problem-needs-name = Le DNS chiffré a besoin du nom du serveur (par exemple dns.quad9.net) pour vérifier qui répond.

## Comptes parents

settings-parents-title = Comptes parents
settings-parents-none = Tous les comptes ont besoin du mot de passe des parents pour modifier Vigie.
settings-parents-intro = Ces comptes modifient Vigie sans le mot de passe des parents, depuis leur propre session :
settings-parents-account-named = { $person } ({ $login })
settings-parents-how = Seul l’administrateur de l’ordinateur peut changer cette liste : ajoutez un compte avec « sudo vigie install --parent NOM », retirez-en un de [parents] dans /etc/vigie/settings.toml. N’ajoutez jamais un compte qu’utilise un enfant.

## Changer le mot de passe des parents

password-change-title = Changer le mot de passe des parents
password-current = Mot de passe actuel
password-new = Nouveau mot de passe
password-confirm-new = Retapez le nouveau
password-change = Changer le mot de passe
password-changed = Mot de passe changé. Déverrouillez avec le nouveau.

## Dates et heures (les morceaux viennent des fonctions de mise en forme)

# Un jour et une heure, p. ex. « 23 nov. 2026 à 14:05 ».
format-date-time = { $date } à { $time }

## Il y a combien de temps, et dans combien (les vérifications des listes en ligne)

time-just-now = à l’instant
time-minutes-ago = { $count ->
    [one] il y a une minute
   *[other] il y a { $count } minutes
}
time-hours-ago = { $count ->
    [one] il y a une heure
   *[other] il y a { $count } heures
}
time-days-ago = { $count ->
    [one] il y a un jour
   *[other] il y a { $count } jours
}
# $date : un jour et une heure, p. ex. « 23 nov. 2026 à 14:05 »
time-on-date = le { $date }
time-soon = dans un instant
time-in-minutes = { $count ->
    [one] dans une minute
   *[other] dans { $count } minutes
}
time-in-hours = { $count ->
    [one] dans une heure
   *[other] dans { $count } heures
}
time-in-days = { $count ->
    [one] dans un jour
   *[other] dans { $count } jours
}

## Les erreurs de l’application (src-tauri/src/error.rs et ses commandes), par genre

error-setup-needs-administrator = Demandez à un parent de terminer l’installation de Vigie : choisir le premier mot de passe parent demande le mot de passe administrateur de l’ordinateur (celui demandé pour installer des programmes).
error-service-down = Le service de Vigie ne répond pas : cet ordinateur n’est donc pas protégé en ce moment. Redémarrez l’ordinateur, ou demandez à la personne qui a installé Vigie de lancer `sudo systemctl restart vigie`. Cette fenêtre se reconnecte toute seule.
error-locked = La session des parents est terminée : tapez de nouveau le mot de passe des parents.
error-wait = Trop de mots de passe erronés : patientez un peu, puis réessayez.
error-invalid = Cela n’a pas été accepté : vérifiez ce que vous avez tapé.
error-conflict = Ces réglages ont été modifiés ailleurs pendant que vous les changiez. La version actuelle a été rechargée : vérifiez-la et refaites votre modification.
error-failed = Quelque chose n’a pas fonctionné. Réessayez ; si cela se reproduit, redémarrez l’ordinateur.
error-wrong-password = Ce n’est pas le mot de passe des parents.
error-current-password-wrong = Le mot de passe actuel n’est pas le bon.
error-export-failed = Le fichier n’a pas pu être enregistré dans { $folder } : { $reason }
