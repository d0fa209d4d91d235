//! The notice stream as the client reads it from a real socket: a server on a temporary Unix
//! socket writes server-sent events in awkward pieces, the way a busy service or a slow kernel may
//! deliver them.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::UnixListener;
use vigie_localapi::Client;

/// Serves one connection: reads the request, then writes `pieces` one by one, each in its own
/// write with a pause, so the client receives them as separate reads.
async fn serve(listener: UnixListener, pieces: Vec<Vec<u8>>) {
    let (mut conn, _) = listener.accept().await.unwrap();
    let mut request = [0u8; 1024];
    let _ = conn.read(&mut request).await.unwrap();
    conn.write_all(
        b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n",
    )
    .await
    .unwrap();
    for piece in pieces {
        conn.write_all(&piece).await.unwrap();
        conn.flush().await.unwrap();
        tokio::time::sleep(Duration::from_millis(30)).await;
    }
}

#[tokio::test]
async fn a_name_split_across_reads_with_crlf_and_multiline_data_arrives_whole() {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("api.sock");
    let listener = UnixListener::bind(&socket).unwrap();

    let first = "data: {\"time\":\"2026-12-01T10:00:00Z\",\"site\":\"Bazoocam Ü中\",\"name\":\"bazoocam.org\"}\r\n\r\n";
    let bytes = first.as_bytes();
    // Split inside "中" (three bytes in UTF-8) and inside "Ü" (two bytes).
    let han = first.find('中').unwrap() + 1;
    let umlaut = first.find('Ü').unwrap() + 1;
    let mut pieces = vec![
        b": keep-alive\n\n".to_vec(),
        bytes[..umlaut].to_vec(),
        bytes[umlaut..han].to_vec(),
        bytes[han..].to_vec(),
    ];
    // A second event whose JSON spans two `data:` lines, joined by a newline as the spec says.
    pieces.push(
        b"data: {\"time\":\"2026-12-01T10:00:01Z\",\ndata: \"site\":\"Omegle\",\"name\":\"www.omegle.com\"}\n\n"
            .to_vec(),
    );
    let server = tokio::spawn(serve(listener, pieces));

    let mut notices = Client::new(&socket).notices().await.unwrap();
    let one = tokio::time::timeout(Duration::from_secs(5), notices.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(one.site, "Bazoocam Ü中");
    assert_eq!(one.name, "bazoocam.org");
    let two = tokio::time::timeout(Duration::from_secs(5), notices.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(two.site, "Omegle");
    assert_eq!(two.name, "www.omegle.com");
    server.await.unwrap();
    assert!(
        tokio::time::timeout(Duration::from_secs(5), notices.next())
            .await
            .unwrap()
            .is_none(),
        "the stream ends when the service closes it"
    );
}

#[test]
fn query_values_are_percent_encoded() {
    assert_eq!(
        vigie_localapi::encode("a b&c=ü/é"),
        "a%20b%26c%3D%C3%BC%2F%C3%A9"
    );
    assert_eq!(vigie_localapi::encode("Safe-._~09az"), "Safe-._~09az");
}
