# Les mots du service lui-même (crates/dnsd, crates/localapi) : l’état de la
# protection, les explications de « Tester un nom », les refus de l’API locale
# et les erreurs du client. Lus par un parent dans la console ou en ligne de
# commande ; on le vouvoie.

## État de la protection (GET /v1/status ; `vigie status`)

status-protected = { $count ->
    [one] Cet ordinateur est protégé : { $count } domaine est bloqué.
   *[other] Cet ordinateur est protégé : { $count } domaines sont bloqués.
}
status-paused-until = La protection est en pause jusqu’à { $time } (un parent l’a mise en pause).
status-paused-comes-back = La protection est en pause jusqu’à { $time }. Elle reprendra toute seule à ce moment-là, ou tout de suite avec `vigie resume`.
status-on = La protection est active.
status-lookups-reach = Les recherches de cet ordinateur passent bien par Vigie.
status-lookups-not-reaching = Les recherches de cet ordinateur ne passent pas par Vigie : les sites ne sont donc pas bloqués. Relancez `sudo vigie install`, ou consultez le README.
status-reload-error = Une modification de la configuration n’a pas été appliquée (la précédente reste en vigueur) : { $problem }
status-attempts-today = Tentatives d’ouvrir des sites bloqués aujourd’hui : { $count }
status-journal-error = Les tentatives ne sont pas enregistrées ({ $problem }) ; le blocage continue.
status-dns = DNS : { $listen } → { $upstreams }
status-upstream-down = Le résolveur en amont n’a pas répondu ces derniers temps : les sites non bloqués risquent de ne pas s’ouvrir.
status-no-password = Aucun mot de passe des parents n’est encore défini : choisissez-en un avec `vigie password set`.
status-version = { $minutes ->
    [one] Version { $version }, en marche depuis { $minutes } minute.
   *[other] Version { $version }, en marche depuis { $minutes } minutes.
}
status-not-running = Le service de Vigie ne fonctionne pas : cet ordinateur n’est pas protégé.

## Pourquoi les tentatives ne sont pas enregistrées (le journal)

journal-size-limit = le journal a atteint sa taille maximale
journal-writer-stopped = l’écriture du journal s’est arrêtée anormalement : { $reason }
journal-encode-failed = impossible d’encoder une entrée du journal : { $reason }
journal-io-failed = la tâche d’écriture du journal a échoué : { $reason }

## « Tester un nom » (GET /v1/check)

# $what est l’un des messages special-*.
check-special = Toujours la même réponse, quoi que disent les listes : { $what }.
check-blocked = Bloqué : c’est { $site } (liste « { $list } », règle { $rule }).
check-allowed = Autorisé par « { $site } » dans { $list } (règle { $rule }).
check-brand = Bloqué : { $domain } ressemble à { $brand } (liste « { $list } », règle de marque « { $rule } ») ; aucun site de la liste ne le nomme.
check-unlisted = Ne figure sur aucune liste en vigueur : il s’ouvre normalement.
check-paused = La protection est en pause : il s’ouvre jusqu’à la fin de la pause, puis il est de nouveau bloqué.

## Les listes du parent (le stockage du service)

store-my-sites-name = Mes sites bloqués
store-my-sites-description = Les sites qu’un parent a ajoutés sur cet ordinateur.
store-allowed-name = Sites autorisés
store-allowed-description = Les sites qu’un parent a autorisés sur cet ordinateur, même quand une liste les bloque.

## Les refus de l’API locale (crates/dnsd/src/api)

api-stale = ceci a été modifié depuis que vous l’avez lu (par quelqu’un d’autre ou à la main) : rechargez et refaites votre modification
api-upstream-loop = { $address } est Vigie lui-même : les recherches tourneraient en rond et plus rien ne s’ouvrirait. Choisissez un autre serveur ; rien n’a été enregistré
api-upstream-stub = { $address } est systemd-resolved, qui renvoie chaque recherche à Vigie : plus rien ne s’ouvrirait. Choisissez « Le DNS habituel de cet ordinateur » ou un autre serveur ; rien n’a été enregistré
api-too-large = la requête dépasse { $max } octets
api-session-ended = la session des parents est terminée (elle a expiré, ou quelqu’un s’est déconnecté ou a changé le mot de passe) : reconnectez-vous
api-needs-parent = il faut un parent : connectez-vous d’abord avec le mot de passe des parents
api-no-endpoint = ce point d’accès n’existe pas : la liste se trouve dans docs/api.md
api-password-already-set = un mot de passe des parents est déjà défini : connectez-vous, ou changez-le avec le mot de passe actuel
api-setup-needs-administrator = demandez à un parent de terminer l’installation de Vigie : le premier mot de passe parent se choisit avec les droits d’administrateur de l’ordinateur (sudo vigie password set)
api-no-password = aucun mot de passe des parents n’est encore défini : choisissez-en un d’abord (setup)
api-wrong-password = mot de passe erroné
api-throttled = { $seconds ->
    [one] trop de mots de passe erronés : réessayez dans { $seconds } seconde
   *[other] trop de mots de passe erronés : réessayez dans { $seconds } secondes
}
api-password-unreadable = le fichier du mot de passe ne peut pas être lu : { $reason }
api-password-too-short = le mot de passe doit compter au moins { $min } caractères
api-password-only-spaces = le mot de passe ne peut pas être fait que d’espaces
api-password-not-hashed = le mot de passe n’a pas pu être chiffré : { $reason }
api-password-not-saved = le mot de passe n’a pas pu être enregistré dans { $path } : { $reason }
api-no-list = aucune liste n’a l’identifiant « { $id } »
api-settings-broken = settings.toml a un problème à corriger d’abord à la main : { $problem }
api-file-broken = { $path } a un problème à corriger d’abord à la main : { $problem }
api-not-written = { $path } n’a pas pu être écrit : { $reason }
api-saved-not-in-force = enregistré, mais pas en vigueur à cause d’un problème ailleurs dans la configuration : { $problem }
api-list-disappeared = la liste a disparu pendant la modification
api-site-name-empty = le nom du site ne peut pas être vide
api-site-name-too-long = le nom du site peut compter au plus { $max } caractères
api-site-name-length = le nom d’un site compte de 1 à { $max } caractères
api-not-in-list = { $domain } ne figure pas dans { $list }
api-not-your-site = { $domain } ne fait pas partie de vos sites
api-needs-if-match = envoyez dans If-Match la version que vous modifiez (l’ETag de GET /v1/settings), pour qu’aucune modification ne soit écrasée sans que vous le voyiez
api-pause-range = une pause dure de 1 à { $max } minutes ({ $hours } heures) ; demandé : { $asked }
api-date = { $field } doit être une date comme 2026-01-31, pas « { $text } »
api-from-after-to = from ne doit pas être après to
api-max-days = demandez au plus { $max } jours à la fois
api-limit = limit doit être entre 1 et { $max }
api-cursor = cursor doit être un next_cursor d’une page précédente
api-days = days doit être entre 1 et { $max }
api-journal-unreadable = le journal ne peut pas être lu : { $reason }
api-check-usage = { $reason } ; utilisez /v1/check?name=example.com

## Le client de l’API locale (crates/localapi)

client-not-running = Le service de Vigie ne fonctionne pas (rien ne répond à { $socket }) : démarrez-le avec `vigie run --dev`, ou `sudo systemctl start vigie` une fois installé
client-http = la communication avec le service de Vigie a échoué : { $reason }
client-decode = réponse inattendue du service de Vigie : { $reason }
