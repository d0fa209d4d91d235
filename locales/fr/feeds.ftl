# Listes qui se mettent à jour seules (crates/dnsd/src/feeds, api/subscriptions.rs) : les
# réglages `[[subscription]]` et `[feed]`, pourquoi un téléchargement a été refusé, et les refus
# de l’API. Lu par un parent dans la console ou en ligne de commande.

## settings.toml : [[subscription]] et [feed] (settings.rs)

setting-error-subscription-name = il faut un nom de 1 à { $max } caractères
setting-error-feed-url = « { $url } » n’est pas une adresse web : écrivez-en une qui commence par https:// ou http://
setting-error-feed-url-credentials = l’adresse d’une liste ne peut pas contenir de nom d’utilisateur ni de mot de passe
setting-error-feed-url-long = l’adresse dépasse { $max } octets
setting-error-duration = « { $text } » n’est pas une durée comme 24h, 90m ou 2d
setting-error-refresh-short = « { $text } » est plus court qu’une heure (1h)
setting-error-subscription-duplicate = cette adresse est déjà suivie, en subscription[{ $first }]
setting-error-subscriptions-many = { $max } abonnements au plus sont permis

## Une liste téléchargée, telle que les listes la montrent

feed-list-description = Téléchargée depuis { $host }

## Pourquoi la dernière vérification d’une liste a échoué (la dernière bonne copie reste en vigueur)

feed-failed-status = le serveur a répondu { $status }
feed-failed-html = la page est une page web, pas une liste
feed-failed-empty = la liste est vide
feed-failed-too-big = trop volumineuse (plus de { $limit })
feed-failed-timeout = trop longue à venir
feed-failed-connect = le serveur est injoignable
feed-failed-download = le téléchargement s’est interrompu
feed-failed-signature = la signature ne correspond pas
feed-failed-signature-missing = la signature manque
feed-failed-older = plus ancienne que la liste en vigueur
feed-failed-not-vigie-list = pas une liste Vigie : { $problem }
feed-failed-not-saved = la copie n’a pas pu être enregistrée : { $reason }

## La liste de Vigie, quand elle est désactivée

feed-off-no-build = cette version ne désigne aucune liste en ligne
feed-off-by-parent = désactivée par un parent
feed-pending = pas encore téléchargée

## `vigie status`

status-feeds-failing = { $count ->
    [one] Une liste en ligne a échoué à sa dernière vérification (sa dernière bonne copie reste en vigueur) : { $names }.
   *[other] { $count } listes en ligne ont échoué à leur dernière vérification (leurs dernières bonnes copies restent en vigueur) : { $names }.
}
status-feeds-names-hidden = un parent peut voir lesquelles
status-vigie-feed-off = La liste en ligne de Vigie est désactivée : { $reason }.
status-vigie-feed-failing = La liste en ligne de Vigie a échoué à sa dernière vérification : { $reason }.

## Les refus de l’API locale (api/subscriptions.rs)

api-subscription-unknown = aucun abonnement n’a l’identifiant « { $id } »
api-subscription-exists = cette adresse est déjà suivie, sous le nom « { $name } »
api-subscription-off = « { $name } » est désactivé : activez-le pour le vérifier
