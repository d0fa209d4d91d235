#!/bin/bash
# Checks the .deb on a fresh Debian under real systemd: boots a debootstrapped tree with
# systemd-nspawn (private network: only lo), installs the package, checks the service and its
# sandbox at run time, purges it and compares the file tree before and after.
#
#   bash packaging/deb-check.sh path/to/vigie_*.deb [WORKDIR]
#
# Needs root, debootstrap and systemd-container, and Debian's mirror (as in /etc/apt/sources.list*).
# The upstream resolver is a dnsmasq on an extra address of lo (192.0.2.53), because the
# installer skips loopback resolvers; nothing leaves the container's own network namespace.
set -euo pipefail
deb=$(realpath "$1")
work=${2:-/tmp/vigie-deb-check}
root=$work/root
suite=${SUITE:-bookworm}
# The Debian mirror this machine's apt already uses (override with MIRROR=...).
mirror=${MIRROR:-$(grep -rhoE '(URIs:|^deb) +[^ ]+/debian/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null \
    | awk '{print $2}' | head -n1)}
if [ -z "$mirror" ]; then
    echo "no Debian mirror found in /etc/apt/sources.list*; set MIRROR" >&2
    exit 2
fi

if [ ! -x "$root/lib/systemd/systemd" ]; then
    mkdir -p "$root"
    timeout 1200 debootstrap --variant=minbase \
        --include=systemd,systemd-sysv,dbus,iproute2,nftables,dnsutils,dnsmasq-base \
        "$suite" "$root" "$mirror"
fi
cp "$deb" "$root/root/vigie.deb"
echo 'nameserver 192.0.2.53' > "$root/etc/resolv.conf"
echo vigiecheck > "$root/etc/hostname"

cat > "$root/root/check.sh" <<'INNER'
#!/bin/bash
set -u
# apt's and dpkg's own records, and systemd's catalog, change with any package; the rest must not.
snap() {
    find /etc /usr /var/lib -xdev \( -path /var/lib/apt -o -path /var/lib/dpkg -o -path /var/lib/systemd/catalog \) \
        -prune -o -printf '%y %m %u:%g %p\n' | sort > "$1.meta"
    find /etc /usr /var/lib -xdev \( -path /var/lib/apt -o -path /var/lib/dpkg -o -path /var/lib/systemd/catalog \) \
        -prune -o -type f -print0 | sort -z | xargs -0 sha256sum > "$1.sha"
}
step() { echo; echo "===== $*"; }
fail=0
check() { if eval "$2"; then echo "ok: $1"; else echo "FAIL: $1"; fail=1; fi; }

step upstream
ip addr add 192.0.2.53/32 dev lo
dnsmasq --no-resolv --no-hosts --listen-address=192.0.2.53 --bind-interfaces --user=root \
    --address=/ok.test.vigie/192.0.2.10 --address=/omegle.com/192.0.2.66 --pid-file=/run/upstream.pid
printf 'nameserver 192.0.2.53\n' > /etc/resolv.conf
snap /root/before

step 'dpkg -i'
timeout 120 dpkg -i /root/vigie.deb
sleep 3
systemctl status vigie --no-pager | head -4
check 'service running' '[ "$(systemctl is-active vigie)" = active ]'
check 'redirect loaded' '[ "$(systemctl is-active vigie-redirect)" = active ]'
step 'vigie status'
timeout 30 vigie status | tee /root/status
check 'status: protected' 'grep -q "own lookups go through Vigie" /root/status'
step lookups
check 'omegle.com → block page' '[ "$(dig +short +time=2 +tries=1 @127.0.0.1 omegle.com A)" = 127.0.0.88 ]'
check 'test zone answered' '[ "$(getent hosts ok.test.vigie | cut -d" " -f1)" = 192.0.2.10 ]'
check 'query to another server redirected' '[ "$(dig +short +time=2 +tries=1 @192.0.2.53 omegle.com A)" = 127.0.0.88 ]'
check 'block page served' 'exec 3<>/dev/tcp/127.0.0.88/80 && printf "GET / HTTP/1.0\r\nHost: omegle.com\r\n\r\n" >&3 && timeout 5 cat <&3 | grep -q "is blocked"'
step sandbox
pid=$(systemctl show vigie -p MainPID --value)
grep -E '^(Uid|NoNewPrivs|Seccomp|CapEff)' "/proc/$pid/status"
check 'seccomp filter on' 'grep -q "^Seccomp:[[:space:]]*2" /proc/$pid/status'
systemd-analyze security vigie.service --no-pager | tail -1
sleep 65  # one periodic probe of the system resolver, under the syscall filter
check 'still running after a probe, no restart' '[ "$(systemctl show vigie -p NRestarts --value)" = 0 ] && [ "$(systemctl show vigie -p MainPID --value)" = "$pid" ]'
kill -9 "$pid"; sleep 3
check 'restarted after kill -9' '[ "$(systemctl is-active vigie)" = active ]'
check 'nobody cannot stop it' '! setpriv --reuid=65534 --regid=65534 --clear-groups systemctl stop vigie 2>/dev/null'

step 'apt purge'
timeout 120 apt-get purge -y vigie
snap /root/after
check 'user gone' '! id vigie 2>/dev/null'
check 'tree as before (owners, modes)' 'diff /root/before.meta /root/after.meta'
check 'tree as before (contents)' 'diff /root/before.sha /root/after.sha'
echo "RESULT fail=$fail"
INNER

systemd-nspawn -D "$root" --boot --private-network --register=no --keep-unit \
    --resolv-conf=off --timezone=off --machine=vigiecheck > "$work/nspawn.log" 2>&1 &
nspawn=$!
trap 'kill "$nspawn" 2>/dev/null; wait "$nspawn" 2>/dev/null || true' EXIT
leader=
for _ in $(seq 60); do
    leader=$(pgrep -P "$nspawn" -x systemd || true)
    [ -n "$leader" ] && nsenter -t "$leader" -m -p -- systemctl is-system-running --wait >/dev/null 2>&1 && break
    sleep 1
done
[ -n "$leader" ] || { echo "the container did not boot; see $work/nspawn.log"; exit 1; }
out=$work/check.out
timeout 600 nsenter -t "$leader" -m -u -i -n -p -C -- /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
    HOME=/root /bin/bash /root/check.sh 2>&1 | tee "$out"
nsenter -t "$leader" -m -p -- systemctl poweroff || true
wait "$nspawn" || true
trap - EXIT
grep -q 'RESULT fail=0' "$out"
