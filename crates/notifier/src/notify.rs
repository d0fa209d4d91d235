//! The child's notice as a desktop notification: one `Notify` call to
//! `org.freedesktop.Notifications` on the session bus, which every desktop's notification
//! server (GNOME Shell, Plasma, dunst, mako, xfce4-notifyd…) answers.
//!
//! This is one method of one interface, so it is called through `zbus` directly, on the
//! connection and runtime the notifier already has, rather than through a notification crate
//! that would bring its own D-Bus connection per notice and its own executor threads.

use std::collections::HashMap;

use zbus::zvariant::Value;

/// The freedesktop notification interface, as far as the notifier uses it.
#[zbus::proxy(
    interface = "org.freedesktop.Notifications",
    default_service = "org.freedesktop.Notifications",
    default_path = "/org/freedesktop/Notifications"
)]
trait Notifications {
    /// Shows a notification; the server's id for it comes back.
    #[allow(clippy::too_many_arguments)]
    fn notify(
        &self,
        app_name: &str,
        replaces_id: u32,
        app_icon: &str,
        summary: &str,
        body: &str,
        actions: &[&str],
        hints: HashMap<&str, Value<'_>>,
        expire_timeout: i32,
    ) -> zbus::Result<u32>;

    /// What the server can do (`body-markup` among others).
    fn get_capabilities(&self) -> zbus::Result<Vec<String>>;
}

/// Shows the child's notices on the session's notification server.
#[derive(Debug, Clone)]
pub(crate) struct Notifier {
    proxy: NotificationsProxy<'static>,
}

impl Notifier {
    /// On the session bus of `connection`. Nothing is sent yet: the notification server may
    /// start later than the notifier (D-Bus starts it on the first call where it can).
    pub(crate) async fn new(connection: &zbus::Connection) -> zbus::Result<Notifier> {
        Ok(Notifier {
            proxy: NotificationsProxy::new(connection).await?,
        })
    }

    /// One notification with this title and body.
    pub(crate) async fn show(&self, title: &str, body: &str) -> zbus::Result<()> {
        // A server that reads markup would swallow a site named "Tom & Jerry" or "<b>": asked
        // each time, since notices are rare and the server may have been replaced meanwhile.
        let markup = self
            .proxy
            .get_capabilities()
            .await
            .map(|caps| caps.iter().any(|c| c == "body-markup"))
            .unwrap_or(false);
        let body = if markup {
            escape_markup(body)
        } else {
            body.to_string()
        };
        let mut hints = HashMap::new();
        // The console's menu entry (vigie.desktop): servers group and name the notice by it.
        hints.insert("desktop-entry", Value::from("vigie"));
        // Normal urgency: the notice is information for the child, not an alarm.
        hints.insert("urgency", Value::from(1u8));
        self.proxy
            .notify("Vigie", 0, "", title, &body, &[], hints, -1)
            .await?;
        Ok(())
    }
}

/// The body as text inside the notification spec's markup subset.
fn escape_markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_escaped_and_plain_text_kept() {
        assert_eq!(
            escape_markup("Tom & Jerry <b>"),
            "Tom &amp; Jerry &lt;b&gt;"
        );
        assert_eq!(escape_markup("Omegle est bloqué"), "Omegle est bloqué");
    }
}
