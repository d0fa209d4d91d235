# Le notificateur (src-tauri/src/tray.rs) : le menu et l’info-bulle de l’icône,
# et le message que voit l’enfant quand il essaie d’ouvrir un site bloqué.
# L’enfant lit ces textes : on le tutoie, avec des mots courts et calmes,
# jamais de reproche.

## Le message pour une tentative bloquée

notice-title = Ce site est bloqué
notice-body = { $site } est bloqué sur cet ordinateur. Si tu en as besoin, parles-en à un parent.
# Un site bloqué par une règle de marque : le nom demandé, et le site connu
# auquel il ressemble (p. ex. Omegle).
notice-body-brand = { $name } ressemble à { $brand }, alors il est bloqué sur cet ordinateur. Si tu en as besoin, parles-en à un parent.
notice-body-unnamed = Ce site est bloqué sur cet ordinateur. Si tu en as besoin, parles-en à un parent.

## L’alerte que reçoit la session d’un parent quand quelqu’un d’autre essaie
## un site bloqué sur cet ordinateur (au plus une fois par site et par dix minutes)

alert-title = Un site bloqué a été essayé
# $account est le nom de la personne tiré de son compte, sinon l’identifiant.
alert-body = Quelqu’un sur cet ordinateur a essayé { $site } — compte de { $account }
# La recherche est passée par un résolveur qui cache qui l’a faite (p. ex. systemd-resolved).
alert-body-unknown = Quelqu’un sur cet ordinateur a essayé { $site } (on ne peut pas savoir depuis quel compte)

## L’icône de la barre des tâches

tray-tooltip = Vigie
# L’info-bulle avec l’état, p. ex. « Vigie — Cet ordinateur est protégé ».
tray-tooltip-state = Vigie — { $state }
tray-checking = Vérification de la protection…
tray-open-console = Ouvrir la console
tray-protected = Cet ordinateur est protégé
tray-not-running = Vigie ne fonctionne pas : cet ordinateur n’est pas protégé
tray-paused = Un parent a mis la protection en pause
tray-not-reaching = Les recherches de cet ordinateur ne passent pas par Vigie
