#!/bin/bash
# Checks the .deb on a fresh Debian under real systemd: boots a debootstrapped tree with
# systemd-nspawn (private network: only lo), installs the package, checks the service and its
# sandbox at run time, opens a graphical session for a parent and two children (Xvfb, a D-Bus
# session bus, the dunst notification server, the autostart entries run as a desktop runs them),
# has a child open a blocked site and watches the notices on each bus, starts the console from
# its menu entry, purges the package and compares the file tree before and after.
#
#   bash packaging/deb-check.sh path/to/vigie_*.deb [WORKDIR]
#
# Needs root, debootstrap and systemd-container, and Debian's mirror (as in /etc/apt/sources.list*).
# The bootstrapped tree is kept in WORKDIR and reused (a fresh copy of it is booted each time).
# The upstream resolver is a dnsmasq on an extra address of lo (192.0.2.53), because the
# installer skips loopback resolvers; nothing leaves the container's own network namespace.
set -euo pipefail
deb=$(realpath "$1")
work=${2:-/tmp/vigie-deb-check}
root=$work/root
suite=${SUITE:-bookworm}
# The Debian mirror this machine's apt already uses (override with MIRROR=...).
mirror=${MIRROR:-$(grep -rhoE '(URIs:|^deb) +[^ ]+/debian/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null \
    | awk '{print $2}' | head -n1 || true)}
if [ -z "$mirror" ]; then
    echo "no Debian mirror found in /etc/apt/sources.list*; set MIRROR" >&2
    exit 2
fi

# What the container needs besides the package's own dependencies: the package's runtime
# libraries come from here too (the container has no network to fetch them).
include=systemd,systemd-sysv,dbus,iproute2,nftables,dnsutils,dnsmasq-base,passwd,util-linux,curl,procps
include=$include,libwebkit2gtk-4.1-0,libayatana-appindicator3-1,libxdo3,librsvg2-common
include=$include,xvfb,xauth,x11-utils,x11-apps,dbus-x11,dbus-bin,dunst
# systemd-resolved stays masked until the second part, where it manages DNS in front of Vigie.
include=$include,systemd-resolved
# What the package recommends and a parent's apt installs with it: pkexec (and polkit), which the
# console's first run uses.
include=$include,pkexec,libpam-systemd
cache=$work/cache
if [ ! -x "$cache/lib/systemd/systemd" ] || [ "$(cat "$cache/.include" 2>/dev/null)" != "$include" ]; then
    rm -rf "$cache"
    mkdir -p "$cache"
    timeout 1200 debootstrap --variant=minbase --include="$include" "$suite" "$cache" "$mirror"
    echo "$include" > "$cache/.include"
fi
# Every run boots a fresh copy: a failed run leaves nothing behind for the next.
rm -rf "$root"
cp -a "$cache" "$root"
# The package's other dependencies and what it recommends (apt installs both for a parent), fetched
# here (the container has no network). pkexec brings polkit, for the console's first run.
deps=$( (dpkg-deb -f "$deb" Depends; echo ,; dpkg-deb -f "$deb" Recommends) | tr ',' '\n' \
    | sed -E 's/\(.*\)//; s/\|.*//; s/ //g' | grep -v '^$')
missing=()
for d in $deps; do
    chroot "$root" dpkg-query -W -f='${Status}' "$d" 2>/dev/null | grep -q "ok installed" || missing+=("$d")
done
if [ ${#missing[@]} -gt 0 ]; then
    # systemd-resolved's package made the tree's /etc/resolv.conf a link into /run: replace it.
    rm -f "$root/etc/resolv.conf"
    echo "nameserver $(awk '/^nameserver/ { print $2; exit }' /etc/resolv.conf)" > "$root/etc/resolv.conf"
    chroot "$root" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive chroot "$root" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
cp "$deb" "$root/root/vigie.deb"
# The first part is a computer with a plain /etc/resolv.conf: systemd-resolved's package made the
# file its link, and its service would start at boot.
rm -f "$root/etc/resolv.conf"
echo 'nameserver 192.0.2.53' > "$root/etc/resolv.conf"
ln -sf /dev/null "$root/etc/systemd/system/systemd-resolved.service"
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
    --address=/ok.test.vigie/192.0.2.10 --address=/omegle.com/192.0.2.66 --pid-file=/run/upstream.pid \
    --txt-record="big.test.vigie$(for _ in $(seq 20); do printf ',"%s"' "$(printf 'x%.0s' $(seq 250))"; done)"
printf 'nameserver 192.0.2.53\n' > /etc/resolv.conf
for u in parent child child2; do useradd -m -s /bin/bash "$u"; done
# The parent is the computer's administrator (Debian's polkit rules: the sudo group); the child
# has a password of its own.
usermod -aG sudo parent
printf 'parent:Adm1n-pass-42\nchild:Ch1ld-pass-42\n' | chpasswd
snap /root/before

step 'dpkg -i'
timeout 120 dpkg -i /root/vigie.deb
sleep 3
systemctl status vigie --no-pager | head -4
check 'service running' '[ "$(systemctl is-active vigie)" = active ]'
check 'redirect loaded' '[ "$(systemctl is-active vigie-redirect)" = active ]'
check 'systemd waits for ready and watches it' '[ "$(systemctl show vigie -p Type --value)" = notify ] && [ "$(systemctl show vigie -p WatchdogUSec --value)" = 30s ]'
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
step 'a hung DNS thread: the watchdog restarts the service'
# The test-only fault stops the UDP thread, without a crash, on its first query.
mkdir -p /run/systemd/system/vigie.service.d
printf '[Service]\nEnvironment=VIGIE_TEST_FAULT=udp-hang\nWatchdogSec=4\n' > /run/systemd/system/vigie.service.d/fault.conf
systemctl daemon-reload && systemctl restart vigie
restarts=$(systemctl show vigie -p NRestarts --value)
dig +short +time=1 +tries=1 @127.0.0.1 omegle.com A >/dev/null || true
for _ in $(seq 60); do [ "$(systemctl show vigie -p NRestarts --value)" != "$restarts" ] && break; sleep 0.5; done
check 'restarted after its UDP thread hung' '[ "$(systemctl show vigie -p NRestarts --value)" != "$restarts" ] && journalctl -u vigie --no-pager | grep -q "udp thread has not answered"'
rm -r /run/systemd/system/vigie.service.d
systemctl daemon-reload && systemctl restart vigie
check 'answers again without the fault' '[ "$(dig +short +time=2 +tries=1 @127.0.0.1 omegle.com A)" = 127.0.0.88 ]'
check 'nobody cannot stop it' '! setpriv --reuid=65534 --regid=65534 --clear-groups systemctl stop vigie 2>/dev/null'

step 'first run: a child cannot choose the parent password'
check 'a child is sent to a parent' 'printf "childpass123\n" | runuser -u child -- vigie password set 2>&1 | grep -q "Ask a parent\|ask a parent"'
# What the console does when the service refuses its setup: `pkexec vigie password set`, the new
# parent password on standard input. A desktop's polkit agent runs as the user and shows the
# dialog; here polkit's text agent (pkttyagent) does that job, for the shell that runs pkexec,
# on the terminal that `script` gives it. The administrator's password is typed once the prompt
# is up (the agent flushes what was typed before).
as_admin() { # user, password typed at polkit's prompt, new parent password
    printf '%s\n' "$3" > /tmp/newpw && chmod 644 /tmp/newpw
    rm -f /tmp/pk.out
    (for _ in $(seq 60); do grep -q 'Password' /tmp/pk.out 2>/dev/null && break; sleep 0.25; done
     printf '%s\n' "$2"; sleep 5) |
        timeout 40 runuser -u "$1" -- script -qefc \
            'pkttyagent --process $$ & a=$!; sleep 1; pkexec /usr/bin/vigie password set < /tmp/newpw; s=$?; kill $a 2>/dev/null; exit $s' \
            /tmp/pk.out >/dev/null 2>&1
}
login() { curl -s -o /dev/null -w '%{http_code}' --unix-socket /run/vigie/api.sock -H 'Content-Type: application/json' \
    -d "{\"password\":\"$1\"}" http://vigie/v1/auth/login; }
check 'through polkit, the child cannot (it does not know the administrator password)' '! as_admin child Ch1ld-pass-42 "child chosen 123"'
check 'still no parent password' 'curl -s --unix-socket /run/vigie/api.sock http://vigie/v1/status | grep -q "\"password_set\":false"'
grep -h 'AUTHENTICATING\|Authenticating as\|Error\|Not authorized' /tmp/pk.out 2>/dev/null | head -n 3
check 'through polkit, the parent (an administrator) chooses it' 'as_admin parent Adm1n-pass-42 "Parent chose 2026"'
grep -h 'Password\|AUTHENTICAT\|Error' /tmp/pk.out 2>/dev/null | head -n 3
check 'the parent password opens a session; another does not' '[ "$(login "Parent chose 2026")" = 200 ] && [ "$(login "child chosen 123")" = 401 ]'
vigie install --parent parent >/dev/null
check 'parent listed' 'grep -q "uids = \[$(id -u parent)\]" /etc/vigie/settings.toml'

step 'graphical sessions'
# A session as a desktop starts one: its own X display, its D-Bus session bus, a notification
# server, then every autostart entry's Exec line, run as the user.
session() {
    local u=$1 d=$2 lang=$3 rt
    rt=/run/user/$(id -u "$u")
    mkdir -p "$rt"; chown "$u:" "$rt"; chmod 700 "$rt"
    local envs=(HOME=/home/$u USER=$u XDG_RUNTIME_DIR=$rt DISPLAY=:$d
        DBUS_SESSION_BUS_ADDRESS=unix:path=$rt/bus LANG=$lang PATH=/usr/bin:/bin)
    runuser -u "$u" -- env "${envs[@]}" Xvfb ":$d" -nolisten tcp -screen 0 1280x800x24 >/dev/null 2>&1 &
    runuser -u "$u" -- env "${envs[@]}" dbus-daemon --session --fork --address="unix:path=$rt/bus"
    for _ in $(seq 50); do [ -S "/tmp/.X11-unix/X$d" ] && [ -S "$rt/bus" ] && break; sleep 0.1; done
    runuser -u "$u" -- env "${envs[@]}" dunst >/dev/null 2>&1 &
    runuser -u "$u" -- env "${envs[@]}" dbus-monitor "interface='org.freedesktop.Notifications',member='Notify'" \
        > "/root/$u.notify" 2>&1 &
    for entry in /etc/xdg/autostart/*.desktop; do
        exec_line=$(sed -n 's/^Exec=//p' "$entry" | head -n1)
        runuser -u "$u" -- env "${envs[@]}" sh -c "$exec_line" > "/root/$u.$(basename "$entry").log" 2>&1 &
    done
}
session parent 11 fr_FR.UTF-8
session child 12 fr_FR.UTF-8
session child2 13 en_US.UTF-8
sleep 5
check 'a notifier runs in each session' '[ "$(pgrep -c -f "$(sed -n "s/^Exec=//p" /etc/xdg/autostart/vigie-notifier.desktop | cut -d" " -f1)")" -ge 3 ]'
step 'the child opens a blocked site'
asked=$(date +%s.%N)
runuser -u child -- getent hosts omegle.com || true
runuser -u child -- curl -s -m 5 -o /dev/null http://www.omegle.com/ || true
for _ in $(seq 30); do grep -q Omegle /root/child.notify && break; sleep 0.1; done
# dbus-monitor stamps each call: the time from the first blocked lookup to the child's Notify.
notified=$(grep -m1 'member=Notify' /root/child.notify | sed -E 's/.*time=([0-9.]+).*/\1/')
latency=$(awk -v a="$asked" -v n="${notified:-0}" 'BEGIN { printf "%d", (n - a) * 1000 }')
echo "the child's notice came ${latency} ms after the lookup"
check "the child's notice within a second of the lookup" '[ -n "$notified" ] && [ "$latency" -ge 0 ] && [ "$latency" -lt 1000 ]'
check "the child's notice, in French, on the child's bus" 'grep -q "Omegle" /root/child.notify && grep -q "bloqué" /root/child.notify'
sleep 2
check "no notice on another child's bus" '! grep -q "Omegle" /root/child2.notify'
check "the parent's alert names the child's account" 'grep -q "Omegle" /root/parent.notify && grep -q "child" /root/parent.notify'
for u in parent child child2; do echo "--- $u's bus"; grep -A12 "member=Notify" "/root/$u.notify" | grep string | head -n 6; done

step 'the console from its menu entry'
console_exec=$(sed -n 's/^Exec=//p' /usr/share/applications/vigie.desktop | head -n1)
runuser -u parent -- env HOME=/home/parent XDG_RUNTIME_DIR=/run/user/$(id -u parent) DISPLAY=:11 \
    DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/$(id -u parent)/bus LANG=fr_FR.UTF-8 \
    WEBKIT_DISABLE_COMPOSITING_MODE=1 sh -c "$console_exec" > /root/console.log 2>&1 &
shown=no
for _ in $(seq 60); do
    if xwininfo -display :11 -root -tree 2>/dev/null | grep -q '"Vigie'; then shown=yes; break; fi
    sleep 0.5
done
sleep 3
xwd -display :11 -root -silent > /root/console.xwd 2>/dev/null || true
check 'the console window is open' '[ "$shown" = yes ]'
xwininfo -display :11 -root -tree 2>/dev/null | grep '"Vigie' | head -n 3
check 'the console drew something (screenshot not blank)' '[ "$(od -An -v -tu1 -j 4096 /root/console.xwd | tr -s " " "\n" | sort -u | wc -l)" -gt 8 ]'
pkill -u parent; pkill -u child; pkill -u child2; sleep 1

step 'apt purge'
timeout 120 apt-get purge -y vigie
snap /root/after
check 'user gone' '! id vigie 2>/dev/null'
check 'tree as before (owners, modes)' 'diff /root/before.meta /root/after.meta'
check 'tree as before (contents)' 'diff /root/before.sha /root/after.sha'

step 'systemd-resolved in front of Vigie'
# The same computer with systemd-resolved managing DNS: a network link (one end of a veth pair) whose
# DHCP handed out 192.0.2.53, and a default route, so resolved has a gateway to name.
rm -f /etc/systemd/system/systemd-resolved.service
systemctl daemon-reload
ip link add vnet0 type veth peer name vnet0p && ip link set vnet0p up
ip addr add 10.77.0.2/24 dev vnet0 && ip link set vnet0 up
ip route add default via 10.77.0.1 dev vnet0
systemctl start systemd-resolved
ln -sf ../run/systemd/resolve/stub-resolv.conf /etc/resolv.conf
resolvectl dns vnet0 192.0.2.53
check 'resolved answers before Vigie' '[ "$(getent hosts ok.test.vigie | cut -d" " -f1)" = 192.0.2.10 ]'
timeout 120 dpkg -i /root/vigie.deb
sleep 3
check 'service running (resolved)' '[ "$(systemctl is-active vigie)" = active ]'
check 'redirect loaded (resolved)' '[ "$(systemctl is-active vigie-redirect)" = active ]'
cat /etc/systemd/resolved.conf.d/vigie.conf
resolvectl status --no-pager | head -n 20
check 'omegle.com blocked through resolved' '[ "$(getent hosts omegle.com | cut -d" " -f1)" = 127.0.0.88 ]'
check 'test zone answered through resolved' '[ "$(getent hosts ok.test.vigie | cut -d" " -f1)" = 192.0.2.10 ]'
# A program that sends its own DNS to resolved's stub (glibc's `dns` module does) is redirected to
# Vigie from its own socket, so the attempt names its account.
runuser -u child -- getent hosts chatroulette.com > /dev/null || true
sleep 1
vigie install --parent parent > /dev/null
check "a child's lookup through resolved's stub names the child" 'timeout 30 runuser -u parent -- vigie log --account "$(id -u child)" | grep -qi chatroulette'
# Names resolved answers itself: Vigie asks resolved's stub for them (its own user is exempt).
check "resolved names the gateway (_gateway)" '[ "$(dig +short +time=2 +tries=1 @127.0.0.53 _gateway A)" = 10.77.0.1 ]'
check "resolved names this computer (its host name)" 'dig +short +time=2 +tries=1 @127.0.0.53 "$(hostname)" A | grep -q "^10.77.0.2$"'
# 20 strings of 250 bytes: more than any UDP answer carries, so each hop retries over TCP.
check 'a TXT larger than 512 bytes arrives whole' '[ "$(dig +short +time=5 +tries=1 @127.0.0.53 big.test.vigie TXT | tr -cd x | wc -c)" = 5000 ]'
check 'resolved kept its full feature level for Vigie' '! journalctl -u systemd-resolved --no-pager | grep -i "degraded feature"'
resolvectl statistics --no-pager | head -n 12
timeout 30 vigie status | tee /root/status-resolved
check 'status: protected (resolved)' 'grep -q "own lookups go through Vigie" /root/status-resolved'

step 'a connection that routes .com to its own server'
# What a standard user may set up through NetworkManager's polkit rules: a link whose server
# answers the real omegle.com, with the routing domain ~com, more specific than Vigie's ~.
ip addr add 192.0.2.77/32 dev lo
dnsmasq --no-resolv --no-hosts --listen-address=192.0.2.77 --bind-interfaces --user=root \
    --address=/omegle.com/192.0.2.66 --address=/vigie-dns-probe.com/192.0.2.67 --pid-file=/run/other.pid
ip link add vnet1 type veth peer name vnet1p && ip link set vnet1p up
ip addr add 10.78.0.2/24 dev vnet1 && ip link set vnet1 up
resolvectl dns vnet1 192.0.2.77
resolvectl domain vnet1 '~com'
resolvectl flush-caches
check 'a .com lookup routed to that link still ends at Vigie' '[ "$(getent hosts www.omegle.com | cut -d" " -f1)" = 127.0.0.88 ]'
# The redirect is what closes that route: resolved's own queries to the link's server are not
# exempt. Without the table the route is open (the evidence), and the check timer puts it back.
nft delete table inet vigie
resolvectl flush-caches
check 'without the redirect the route skips Vigie (why resolved is not exempt)' '[ "$(getent hosts www2.omegle.com | cut -d" " -f1)" = 192.0.2.66 ]'
systemctl start vigie-redirect-check.service
resolvectl flush-caches
check 'the redirect put back closes it again' '[ "$(getent hosts www3.omegle.com | cut -d" " -f1)" = 127.0.0.88 ]'
timeout 30 vigie status | tee /root/status-route
check 'the probe under .com still reaches Vigie' 'grep -q "own lookups go through Vigie" /root/status-route'

step "a VPN's split DNS under the redirect"
# A VPN link whose server alone knows the VPN's domain (~corp.vigie). resolved routes that domain
# there; the redirect brings resolved's query to Vigie, which must ask the VPN's server too, and
# still apply the lists to what it answers (a CNAME into a blocked site).
ip addr add 192.0.2.88/32 dev lo
dnsmasq --no-resolv --no-hosts --listen-address=192.0.2.88 --bind-interfaces --user=root \
    --address=/intranet.corp.vigie/10.9.9.9 --host-record=www.omegle.com,10.9.9.11 \
    --cname=chat.corp.vigie,www.omegle.com --pid-file=/run/vpn.pid
ip link add vpn0 type veth peer name vpn0p && ip link set vpn0p up
ip addr add 10.79.0.2/24 dev vpn0 && ip link set vpn0 up
# As NetworkManager does it: the servers, then the domain, in two calls.
resolvectl dns vpn0 192.0.2.88
resolvectl domain vpn0 '~corp.vigie'
resolvectl flush-caches
vpn=
for _ in $(seq 20); do
    vpn=$(getent hosts intranet.corp.vigie | cut -d" " -f1)
    [ "$vpn" = 10.9.9.9 ] && break
    resolvectl flush-caches; sleep 0.5
done
check "a VPN's own name resolves through the VPN's server" '[ "$vpn" = 10.9.9.9 ]'
check "a name under the VPN's domain that leads to a blocked site is blocked" '[ "$(getent hosts chat.corp.vigie | cut -d" " -f1)" = 127.0.0.88 ]'
check "the VPN's server shows in status as a link's" 'curl -s --unix-socket /run/vigie/api.sock http://vigie/v1/status | grep -q "\"role\":\"link\""'

step 'apt purge (resolved)'
timeout 120 apt-get purge -y vigie
check "resolved's drop-in removed" '[ ! -e /etc/systemd/resolved.conf.d/vigie.conf ]'
check 'DNS works after purge (resolved)' '[ "$(getent hosts ok.test.vigie | cut -d" " -f1)" = 192.0.2.10 ]'
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
cp "$root/root/console.xwd" "$work/console.xwd" 2>/dev/null || true
for u in parent child child2; do cp "$root/root/$u.notify" "$work/$u.notify" 2>/dev/null || true; done
nsenter -t "$leader" -m -p -- systemctl poweroff || true
wait "$nspawn" || true
trap - EXIT
grep -q 'RESULT fail=0' "$out"
