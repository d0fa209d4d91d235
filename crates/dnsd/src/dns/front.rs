//! The DNS front ends: UDP and TCP listeners that move bytes between clients and the pipeline.
//!
//! UDP: each socket is served by a thread of its own that takes up to [`UDP_BATCH`] datagrams
//! per system call (`recvmmsg`), answers blocked, special and cached queries inline, and sends
//! those answers back together (`sendmmsg`). It folds its blocked queries together before they
//! go to the journal (`coalesce`). Only a query that goes upstream becomes a task on the async
//! runtime, so a slow upstream never holds up the others. Under load the system calls were the
//! larger part of an answer's cost; a thread that blocks in the kernel is also woken straight by
//! it, with no scheduler between the packet and its answer. One thread per socket answers some
//! 250,000 queries a second, far more than a family computer asks.
//!
//! A blocked query from a sender of this computer not seen in the last seconds is the one
//! exception to answering inline: its answer waits, on a task, for the lookup of who sent it
//! (`owner`), because the sender's socket closes once answered.
//!
//! TCP (RFC 7766): several queries per connection, answered in order, with an idle timeout, a
//! time limit on writing each answer, and a bound on open connections, shared out by client so
//! that idle or hostile clients cannot exhaust the service: a connection from this computer
//! counts against the account that holds its other end (the kernel's socket diagnostics, see
//! `owner`), one from another device against that device's address. One account's flood then
//! holds at most [`TCP_MAX_PER_CLIENT`] connections, and the parent's lookups, another
//! account's or systemd-resolved's still find room.

use std::io::{IoSlice, IoSliceMut, PipeReader};
use std::net::SocketAddr;
use std::os::fd::{AsFd, AsRawFd};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use nix::errno::Errno;
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use nix::sys::socket::{
    ControlMessage, MsgFlags, MultiHeaders, SockaddrStorage, recvmmsg, sendmmsg,
};
use std::net::UdpSocket;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::runtime::Handle;
use tokio::sync::{Semaphore, watch};
use tokio::time::Instant;

use super::pipeline::{self, Step, Transport};
use crate::journal::coalesce::Coalescer;
use crate::owner::{Known, Proto};
use crate::shares::Shares;
use crate::state::Shared;
use crate::watchdog::{self, Fault, Heart};

/// How long a TCP connection may sit idle between queries.
const TCP_IDLE: Duration = Duration::from_secs(10);
/// Most TCP connections served at once.
const TCP_MAX_CONNECTIONS: usize = 512;
/// Most TCP connections one client holds at once: an account of this computer, the local
/// senders whose account cannot be told (together), or another device. A resolver library
/// opens one per lookup that needs TCP and closes it after, so even a busy account stays far
/// below it.
const TCP_MAX_PER_CLIENT: usize = 64;
/// Longest wait for the kernel to say who holds a connection's other end.
const TCP_WHO_LIMIT: Duration = Duration::from_secs(1);

/// Whose share a TCP connection counts against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum TcpClient {
    Account(u32),
    /// From this computer, the account unknown.
    ThisComputer,
    Device(std::net::IpAddr),
}
/// Most UDP queries waiting on the upstream at once, per socket. Each holds a task and, in
/// hickory, a socket: unbounded, a flood of unique names would run the service out of file
/// descriptors. Past it a query gets SERVFAIL at once, and the client may ask again.
const UDP_MAX_FORWARDS: usize = 1024;
/// Largest UDP query accepted.
const UDP_BUFFER: usize = 4096;
/// Kernel buffers asked for each UDP socket. The default (about 208 KiB) holds only some 200
/// queries, so a burst from a busy client overflows it and the kernel drops queries before Vigie
/// sees them; the kernel caps the request at `net.core.rmem_max` / `wmem_max`.
const UDP_SOCKET_BUFFER: usize = 4 << 20;

/// Sockets bound for one listen address.
#[derive(Debug)]
pub(crate) struct Bound {
    /// Not registered with the async runtime: only its thread waits on it (see `serve_udp`).
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
        .and_then(|s| s.set_nonblocking(true).map(|()| s))
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

/// Serves UDP until `stop` turns true: starts the socket's thread, and on `stop` wakes it and
/// waits for it to end.
pub(crate) async fn serve_udp(
    shared: Arc<Shared>,
    socket: Arc<UdpSocket>,
    heart: Heart,
    mut stop: watch::Receiver<bool>,
) {
    // Closing the pipe's write end wakes the thread wherever it waits.
    let (wake, waker) = match std::io::pipe() {
        Ok(pipe) => pipe,
        Err(e) => {
            tracing::error!(error = %e, "cannot start the udp service");
            return;
        }
    };
    let runtime = tokio::runtime::Handle::current();
    let thread = std::thread::Builder::new()
        .name("vigie-udp".into())
        .spawn(move || udp_thread(&shared, &socket, &wake, &runtime, &heart));
    let thread = match thread {
        Ok(t) => t,
        Err(e) => {
            tracing::error!(error = %e, "cannot start the udp service");
            return;
        }
    };
    let _ = stop.wait_for(|stopped| *stopped).await;
    drop(waker);
    let _ = tokio::task::spawn_blocking(move || thread.join()).await;
}

/// Most datagrams moved by one system call.
const UDP_BATCH: usize = 32;

/// The UDP thread: receive a batch, answer what needs no network, send the answers together.
fn udp_thread(
    shared: &Arc<Shared>,
    socket: &Arc<UdpSocket>,
    wake: &PipeReader,
    rt: &Handle,
    heart: &Heart,
) {
    let fd = socket.as_raw_fd();
    let mut queries = vec![[0u8; UDP_BUFFER]; UDP_BATCH];
    let mut answers: Vec<Vec<u8>> = (0..UDP_BATCH)
        .map(|_| Vec::with_capacity(usize::from(super::wire::MAX_UDP)))
        .collect();
    let mut received = [(0usize, None::<SockaddrStorage>); UDP_BATCH];
    let mut peers = [None::<SockaddrStorage>; UDP_BATCH];
    let mut rx = MultiHeaders::<SockaddrStorage>::preallocate(UDP_BATCH, None);
    let mut tx = MultiHeaders::<SockaddrStorage>::preallocate(UDP_BATCH, None);
    let mut attempts = Coalescer::new(shared.journal.clone());
    // Vigie's end of every query on this socket, for finding who sent it.
    let server = socket
        .local_addr()
        .unwrap_or_else(|_| SocketAddr::from(([127, 0, 0, 1], 53)));
    let forwards = Arc::new(Semaphore::new(UDP_MAX_FORWARDS));
    let fault = watchdog::fault();
    loop {
        // Once per batch, and at least every `idle_wait` while idle (see `wait`): this thread's
        // own beat is what keeps systemd's watchdog from restarting the service.
        heart.beat();
        let count = {
            let mut slices: Vec<[IoSliceMut<'_>; 1]> =
                queries.iter_mut().map(|q| [IoSliceMut::new(q)]).collect();
            match recvmmsg(fd, &mut rx, slices.iter_mut(), MsgFlags::MSG_DONTWAIT, None) {
                Ok(batch) => {
                    let mut count = 0;
                    for (slot, msg) in received.iter_mut().zip(batch) {
                        *slot = (msg.bytes, msg.address);
                        count += 1;
                    }
                    count
                }
                Err(Errno::EAGAIN | Errno::EINTR) => {
                    // Nothing is held back while the service waits.
                    attempts.flush();
                    if !wait(socket, wake, PollFlags::POLLIN, heart) {
                        return;
                    }
                    continue;
                }
                Err(e) => {
                    // ICMP errors from earlier sends surface here on some systems; keep serving,
                    // but never spin on an error that repeats.
                    tracing::debug!(error = %e, "udp receive failed");
                    std::thread::sleep(Duration::from_millis(1));
                    continue;
                }
            }
        };
        match fault {
            Some(Fault::UdpPanic) => panic!("VIGIE_TEST_FAULT=udp-panic: the udp thread fails"),
            Some(Fault::UdpHang) => loop {
                std::thread::park();
            },
            _ => {}
        }
        // One clock read per batch: the batch's queries all arrived within it.
        let now = Instant::now();
        let mut replies = 0;
        for (query, &(len, from)) in queries.iter().zip(&received[..count]) {
            let Some(from) = from else { continue };
            let Some(peer) = std_addr(&from) else {
                continue;
            };
            let out = &mut answers[replies];
            match pipeline::begin(shared, &query[..len], peer.ip(), Transport::Udp, out) {
                Step::Drop => {}
                Step::Reply => {
                    peers[replies] = Some(from);
                    replies += 1;
                }
                Step::Blocked(mut attempt) => {
                    match shared.owners.known(Proto::Udp, peer) {
                        Known::Elsewhere => {}
                        Known::Remembered(owner) => attempt.owner = Some(owner),
                        Known::Ask => {
                            // The answer waits for the sender's lookup, on a task of its own,
                            // so that this thread goes on answering the others.
                            let answer = out.clone();
                            let shared = shared.clone();
                            let socket = socket.clone();
                            rt.spawn(async move {
                                let attempt = pipeline::attribute(
                                    &shared,
                                    attempt,
                                    Transport::Udp,
                                    peer,
                                    server,
                                )
                                .await;
                                // Before the answer, so that a reader who saw it sees this too.
                                shared.journal.record_at(attempt, now);
                                if let Err(e) = socket.send_to(&answer, peer) {
                                    tracing::debug!(error = %e, "udp send failed");
                                }
                            });
                            continue;
                        }
                    }
                    attempts.record(attempt, now);
                    peers[replies] = Some(from);
                    replies += 1;
                }
                Step::Forward(pending) => {
                    let Ok(permit) = forwards.clone().try_acquire_owned() else {
                        pipeline::overloaded(shared, *pending, out);
                        peers[replies] = Some(from);
                        replies += 1;
                        continue;
                    };
                    let shared = shared.clone();
                    let socket = socket.clone();
                    rt.spawn(async move {
                        let _permit = permit;
                        let mut out = Vec::with_capacity(512);
                        let attempt = pipeline::finish(&shared, *pending, &mut out).await;
                        if let Some(attempt) = attempt {
                            let attempt =
                                pipeline::attribute(&shared, attempt, Transport::Udp, peer, server)
                                    .await;
                            shared.journal.record(attempt);
                        }
                        // Never blocks: with the send buffer full (megabytes of answers
                        // waiting) this one is dropped and the client asks again.
                        if let Err(e) = socket.send_to(&out, peer) {
                            tracing::debug!(error = %e, "udp send failed");
                        }
                    });
                }
            }
        }
        if !send_all(
            socket,
            wake,
            heart,
            &mut tx,
            &answers[..replies],
            &peers[..replies],
        ) {
            return;
        }
        attempts.flush_if_due(now);
    }
}

/// Sends each answer to its peer, as many per system call as the kernel takes; `false` when
/// the service is stopping.
fn send_all(
    socket: &UdpSocket,
    wake: &PipeReader,
    heart: &Heart,
    tx: &mut MultiHeaders<SockaddrStorage>,
    answers: &[Vec<u8>],
    peers: &[Option<SockaddrStorage>],
) -> bool {
    let fd = socket.as_raw_fd();
    let mut done = 0;
    while done < answers.len() {
        let slices: Vec<[IoSlice<'_>; 1]> =
            answers[done..].iter().map(|a| [IoSlice::new(a)]).collect();
        match sendmmsg(
            fd,
            tx,
            &slices,
            &peers[done..],
            [] as [ControlMessage<'_>; 0],
            MsgFlags::MSG_DONTWAIT,
        ) {
            Ok(sent) => done += sent.count().max(1),
            Err(Errno::EAGAIN) => {
                // The send buffer is full: wait until it drains.
                if !wait(socket, wake, PollFlags::POLLOUT, heart) {
                    return false;
                }
            }
            Err(Errno::EINTR) => {}
            Err(e) => {
                // This answer cannot go (its peer is unreachable, say); the others still can.
                tracing::debug!(error = %e, "udp send failed");
                done += 1;
            }
        }
    }
    true
}

/// Waits until the socket is ready for `events`, beating `heart` while it waits; `false` when
/// woken to stop instead.
fn wait(socket: &UdpSocket, wake: &PipeReader, events: PollFlags, heart: &Heart) -> bool {
    let timeout = heart.idle_wait().map_or(PollTimeout::NONE, |t| {
        PollTimeout::try_from(t).unwrap_or(PollTimeout::MAX)
    });
    loop {
        let mut fds = [
            PollFd::new(socket.as_fd(), events),
            PollFd::new(wake.as_fd(), PollFlags::POLLIN),
        ];
        match poll(&mut fds, timeout) {
            Ok(0) => heart.beat(),
            Ok(_) => {
                return !fds[1].any().unwrap_or(true);
            }
            Err(Errno::EINTR) => continue,
            Err(e) => {
                tracing::error!(error = %e, "udp wait failed");
                return false;
            }
        }
    }
}

/// A client's address in the standard library's form.
fn std_addr(addr: &SockaddrStorage) -> Option<SocketAddr> {
    if let Some(v4) = addr.as_sockaddr_in() {
        return Some(SocketAddr::V4((*v4).into()));
    }
    addr.as_sockaddr_in6()
        .map(|v6| SocketAddr::V6((*v6).into()))
}

/// Accepts TCP connections until `stop` turns true.
pub(crate) async fn serve_tcp(
    shared: Arc<Shared>,
    listener: TcpListener,
    mut stop: watch::Receiver<bool>,
) {
    let slots = Shares::new(TCP_MAX_PER_CLIENT, TCP_MAX_CONNECTIONS);
    let server = listener
        .local_addr()
        .unwrap_or_else(|_| SocketAddr::from(([127, 0, 0, 1], 53)));
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
        // One lookup at a time, in the accept loop: a flood of connections is slowed by its own
        // lookups rather than running many of them at once.
        let who = {
            let owners = Arc::clone(&shared.owners);
            let server = stream.local_addr().unwrap_or(server);
            let lookup = tokio::task::spawn_blocking(move || owners.tcp_client(peer, server));
            match tokio::time::timeout(TCP_WHO_LIMIT, lookup).await {
                Ok(Ok(Some(Some(uid)))) => TcpClient::Account(uid),
                Ok(Ok(None)) => TcpClient::Device(peer.ip()),
                _ => TcpClient::ThisComputer,
            }
        };
        let Some(permit) = slots.take(who) else {
            // This client's share, or every place, is taken: close at once rather than queue;
            // the client will retry.
            tracing::debug!(
                ?who,
                "tcp connection refused: no place left for this client"
            );
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
    let server = stream
        .local_addr()
        .unwrap_or_else(|_| SocketAddr::from(([127, 0, 0, 1], 53)));
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
        if watchdog::fault() == Some(Fault::TcpPanic) {
            panic!("VIGIE_TEST_FAULT=tcp-panic: a tcp connection's task fails");
        }
        let mut out = Vec::with_capacity(512);
        if !pipeline::handle(shared, &query, peer, server, Transport::Tcp, &mut out).await {
            // A dropped query on TCP: the stream can no longer be trusted.
            return Ok(());
        }
        let mut framed = Vec::with_capacity(out.len() + 2);
        framed.extend_from_slice(&(out.len() as u16).to_be_bytes());
        framed.extend_from_slice(&out);
        // A client that does not read its answers must not hold a slot for ever.
        tokio::time::timeout(TCP_IDLE, stream.write_all(&framed))
            .await
            .context("tcp answer not read in time")??;
    }
}
