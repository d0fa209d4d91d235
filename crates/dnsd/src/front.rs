//! The DNS front ends: UDP and TCP listeners that move bytes between clients and the pipeline.
//!
//! UDP: one receive loop per socket answers blocked, special and cached queries inline (no task,
//! no copy of the packet); only a query that goes upstream becomes a task of its own, so a slow
//! upstream never holds up the others. TCP (RFC 7766): several queries per connection, answered
//! in order, with an idle timeout and a bound on open connections so that idle or hostile
//! clients cannot exhaust the service.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream, UdpSocket};
use tokio::sync::{Semaphore, watch};

use crate::pipeline::{self, Step, Transport};
use crate::state::Shared;

/// How long a TCP connection may sit idle between queries.
const TCP_IDLE: Duration = Duration::from_secs(10);
/// Most TCP connections served at once.
const TCP_MAX_CONNECTIONS: usize = 512;
/// Largest UDP query accepted.
const UDP_BUFFER: usize = 4096;
/// Kernel buffers asked for each UDP socket. The default (about 208 KiB) holds only some 200
/// queries, so a burst from a busy client overflows it and the kernel drops queries before Vigie
/// sees them; the kernel caps the request at `net.core.rmem_max` / `wmem_max`.
const UDP_SOCKET_BUFFER: usize = 4 << 20;

/// Sockets bound for one listen address.
#[derive(Debug)]
pub(crate) struct Bound {
    pub(crate) udp: Arc<UdpSocket>,
    pub(crate) tcp: TcpListener,
}

/// Binds UDP and TCP on `addr`; the error names the address and the likely cause.
pub(crate) async fn bind(addr: SocketAddr) -> Result<Bound> {
    let hint = |e: &std::io::Error| match e.kind() {
        std::io::ErrorKind::PermissionDenied => {
            " (ports under 1024 need root or CAP_NET_BIND_SERVICE; try --dev)".to_string()
        }
        std::io::ErrorKind::AddrInUse => " (another program already uses it)".to_string(),
        _ => String::new(),
    };
    let udp = UdpSocket::bind(addr)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {addr}/udp: {e}{}", hint(&e)))?;
    let sock = socket2::SockRef::from(&udp);
    // Best effort: a smaller buffer only means drops under bursts, never wrong answers.
    if let Err(e) = sock.set_recv_buffer_size(UDP_SOCKET_BUFFER) {
        tracing::debug!(error = %e, "cannot enlarge the udp receive buffer");
    }
    if let Err(e) = sock.set_send_buffer_size(UDP_SOCKET_BUFFER) {
        tracing::debug!(error = %e, "cannot enlarge the udp send buffer");
    }
    let tcp = TcpListener::bind(addr)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {addr}/tcp: {e}{}", hint(&e)))?;
    Ok(Bound {
        udp: Arc::new(udp),
        tcp,
    })
}

/// Serves UDP until `stop` turns true.
pub(crate) async fn serve_udp(
    shared: Arc<Shared>,
    socket: Arc<UdpSocket>,
    mut stop: watch::Receiver<bool>,
) {
    let mut buf = vec![0u8; UDP_BUFFER];
    let mut out = Vec::with_capacity(usize::from(crate::answer::MAX_UDP));
    loop {
        let (len, peer) = tokio::select! {
            _ = stop.changed() => return,
            r = socket.recv_from(&mut buf) => match r {
                Ok(x) => x,
                Err(e) => {
                    // ICMP errors from earlier sends surface here on some systems; keep serving.
                    tracing::debug!(error = %e, "udp receive failed");
                    continue;
                }
            },
        };
        match pipeline::begin(&shared, &buf[..len], peer.ip(), Transport::Udp, &mut out) {
            Step::Drop => {}
            Step::Reply => {
                let _ = socket.send_to(&out, peer).await;
            }
            Step::Forward(pending) => {
                let shared = shared.clone();
                let socket = socket.clone();
                tokio::spawn(async move {
                    let mut out = Vec::with_capacity(512);
                    pipeline::finish(&shared, *pending, &mut out).await;
                    let _ = socket.send_to(&out, peer).await;
                });
            }
        }
    }
}

/// Accepts TCP connections until `stop` turns true.
pub(crate) async fn serve_tcp(
    shared: Arc<Shared>,
    listener: TcpListener,
    mut stop: watch::Receiver<bool>,
) {
    let slots = Arc::new(Semaphore::new(TCP_MAX_CONNECTIONS));
    loop {
        let (stream, peer) = tokio::select! {
            _ = stop.changed() => return,
            r = listener.accept() => match r {
                Ok(x) => x,
                Err(e) => {
                    tracing::debug!(error = %e, "tcp accept failed");
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            },
        };
        let Ok(permit) = slots.clone().try_acquire_owned() else {
            // Full: close at once rather than queue; the client will retry.
            drop(stream);
            continue;
        };
        let shared = shared.clone();
        let stop = stop.clone();
        tokio::spawn(async move {
            let _ = connection(&shared, stream, peer, stop).await;
            drop(permit);
        });
    }
}

async fn connection(
    shared: &Shared,
    mut stream: TcpStream,
    peer: SocketAddr,
    mut stop: watch::Receiver<bool>,
) -> Result<()> {
    stream.set_nodelay(true).ok();
    loop {
        let mut len = [0u8; 2];
        tokio::select! {
            _ = stop.changed() => return Ok(()),
            r = tokio::time::timeout(TCP_IDLE, stream.read_exact(&mut len)) => {
                match r {
                    Ok(Ok(_)) => {}
                    _ => return Ok(()), // idle timeout or the client closed
                }
            }
        }
        let len = usize::from(u16::from_be_bytes(len));
        let mut query = vec![0u8; len];
        tokio::time::timeout(TCP_IDLE, stream.read_exact(&mut query))
            .await
            .context("tcp query timed out")??;
        // Room for the length prefix first, then the answer after it.
        let mut out = Vec::with_capacity(512);
        if !pipeline::handle(shared, &query, peer.ip(), Transport::Tcp, &mut out).await {
            // A dropped query on TCP: the stream can no longer be trusted.
            return Ok(());
        }
        let mut framed = Vec::with_capacity(out.len() + 2);
        framed.extend_from_slice(&(out.len() as u16).to_be_bytes());
        framed.extend_from_slice(&out);
        stream.write_all(&framed).await?;
    }
}
