# La page de blocage (crates/dnsd/src/blockpage.rs) : ce que voit l’enfant
# quand une visite en HTTP simple arrive sur l’adresse de blocage. On le
# tutoie. Les noms du site et de la liste sont échappés pour le HTML par
# l’appelant avant d’être passés ici.

blockpage-title-site = { $site } est bloqué sur cet ordinateur
blockpage-lead-list = Il fait partie de la liste « { $list } » qu’un parent a choisie pour cet ordinateur.
# Un site bloqué par une règle de marque : le titre donne son domaine, ce texte
# dit à quel site connu il ressemble (p. ex. Omegle).
blockpage-lead-brand = Il ressemble à { $brand }, un des sites de la liste « { $list } » qu’un parent a choisie pour cet ordinateur.
blockpage-title = Ce site est bloqué sur cet ordinateur
blockpage-lead = Un parent a choisi de le garder fermé sur cet ordinateur.
blockpage-next = Si tu as besoin de ce site pour quelque chose, parles-en à un parent : il pourra te l’ouvrir.
