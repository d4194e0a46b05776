#!/usr/bin/env bash
# A throw-away single-node Ceph cluster on loopback, for the S3 blob store's tests and benchmarks:
# one monitor, one OSD on memstore (objects in RAM), one radosgw on 127.0.0.1, no manager daemon.
# Installs Debian's ceph-mon, ceph-osd and radosgw first if they are missing (scripts/install-ceph.sh).
#
#   eval "$(scripts/start-ceph.sh)"      # starts it (or finds it running) and exports BLOB_S3_*
#   scripts/stop-ceph.sh                 # stops it and deletes its data
#
# Prints the blob store's settings as `export NAME=value` lines on stdout (progress goes to stderr)
# and writes the same lines to $CEPH_DIR/env. Idempotent: when the cluster in CEPH_DIR is already
# up it only prints them again. Its data lives in the OSD's memory, so a cluster that stopped is not
# restarted: the next start builds a fresh one (about 5-15 s).
#
# Settings: CEPH_DIR (default /tmp/bos-mirror-ceph), CEPH_MON_PORT (default 6789), CEPH_RGW_PORT
# (default 7480), CEPH_MEMSTORE_BYTES (the OSD's capacity, default 8 GiB; it only uses what is stored).
#
# Each choice below was needed for a reliable start on this kind of machine (checked by hand):
# cephx (with `auth = none` a start failed one time in three), mon_host set explicitly (otherwise a
# DNS SRV lookup), pools of size 1 with 8 placement groups (the defaults exceed the per-OSD limit),
# the seven RGW pools made before radosgw starts (otherwise the first bucket and PUT take seconds),
# and `timeout` around every ceph command: without a manager some of them wait forever.
set -euo pipefail

CEPH_DIR="${CEPH_DIR:-/tmp/bos-mirror-ceph}"
MON_PORT="${CEPH_MON_PORT:-6789}"
RGW_PORT="${CEPH_RGW_PORT:-7480}"
MEMSTORE_BYTES="${CEPH_MEMSTORE_BYTES:-8589934592}"
CONF="$CEPH_DIR/ceph.conf"
RGW_URL="http://127.0.0.1:$RGW_PORT"
BUCKET="bos-mirror"
REGION="default"

log() { echo "start-ceph: $*" >&2; }
fail() { log "$*"; exit 1; }
ceph_cmd() { timeout 20 ceph -c "$CONF" "$@"; }

running() {
  local name
  for name in mon.a osd.0 client.rgw.gw; do
    [ -f "$CEPH_DIR/run/$name.pid" ] && kill -0 "$(cat "$CEPH_DIR/run/$name.pid")" 2>/dev/null || return 1
  done
  [ -f "$CEPH_DIR/env" ] && curl -fsS -o /dev/null --max-time 2 "$RGW_URL/"
}

# Runs a daemon in the foreground of a background job, its pid in run/, its output in log/.
start_daemon() {
  local name="$1"
  shift
  "$@" -f -c "$CONF" >"$CEPH_DIR/log/$name.out" 2>&1 &
  echo $! >"$CEPH_DIR/run/$name.pid"
}

wait_for() {
  local what="$1" seconds="$2"
  shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -ge "$deadline" ] && fail "$what did not come up within $seconds s (logs in $CEPH_DIR/log)"
    sleep 0.2
  done
}

if running; then
  log "already running in $CEPH_DIR"
  cat "$CEPH_DIR/env"
  exit 0
fi

bash "$(dirname "$0")/install-ceph.sh"
# Whatever is left of a cluster that stopped: its data was in the OSD's memory.
if [ -d "$CEPH_DIR/run" ]; then
  for pidfile in "$CEPH_DIR"/run/*.pid; do
    [ -f "$pidfile" ] && kill -9 "$(cat "$pidfile")" 2>/dev/null || true
  done
fi
rm -rf "$CEPH_DIR"
mkdir -p "$CEPH_DIR"/{run,log,mon/ceph-a,osd/ceph-0}
started=$SECONDS
fsid="$(cat /proc/sys/kernel/random/uuid)"

cat >"$CONF" <<EOF
[global]
fsid = $fsid
mon_host = v1:127.0.0.1:$MON_PORT
public_addr = 127.0.0.1
ms_bind_msgr2 = false
auth_cluster_required = cephx
auth_service_required = cephx
auth_client_required = cephx
keyring = $CEPH_DIR/admin.keyring
run_dir = $CEPH_DIR/run
admin_socket = $CEPH_DIR/run/\$name.asok
log_file = $CEPH_DIR/log/\$name.log
mon_data = $CEPH_DIR/mon/\$cluster-\$id
osd_data = $CEPH_DIR/osd/\$cluster-\$id
osd_objectstore = memstore
memstore_device_bytes = $MEMSTORE_BYTES
osd_pool_default_size = 1
osd_pool_default_min_size = 1
osd_pool_default_pg_num = 8
osd_pool_default_pgp_num = 8
osd_crush_chooseleaf_type = 0
mon_allow_pool_size_one = true
mon_warn_on_pool_no_redundancy = false
paxos_propose_interval = 0.1
# Deleted objects' data is collected soon, not after the default two hours (it is held in RAM).
rgw_gc_obj_min_wait = 30
rgw_gc_processor_period = 30

[mon]
keyring = \$mon_data/keyring

[osd]
keyring = \$osd_data/keyring

[client.rgw.gw]
rgw_frontends = beast endpoint=127.0.0.1:$RGW_PORT
rgw_dns_name = 127.0.0.1
keyring = $CEPH_DIR/rgw.keyring
EOF

log "creating the monitor"
ceph-authtool --create-keyring "$CEPH_DIR/mon.keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
ceph-authtool --create-keyring "$CEPH_DIR/admin.keyring" --gen-key -n client.admin \
  --cap mon 'allow *' --cap osd 'allow *' --cap mgr 'allow *' >/dev/null
ceph-authtool "$CEPH_DIR/mon.keyring" --import-keyring "$CEPH_DIR/admin.keyring" >/dev/null
monmaptool --create --fsid "$fsid" --addv a "[v1:127.0.0.1:$MON_PORT]" "$CEPH_DIR/monmap" >/dev/null
ceph-mon -c "$CONF" --mkfs -i a --monmap "$CEPH_DIR/monmap" --keyring "$CEPH_DIR/mon.keyring" 2>"$CEPH_DIR/log/mon-mkfs.out"
start_daemon mon.a ceph-mon -i a
wait_for "the monitor" 30 ceph_cmd -s

log "creating the OSD (memstore)"
osd_uuid="$(cat /proc/sys/kernel/random/uuid)"
osd_id="$(ceph_cmd osd new "$osd_uuid")"
[ "$osd_id" = "0" ] || fail "expected OSD id 0, got $osd_id"
ceph_cmd auth get-or-create osd.0 mon 'allow profile osd' mgr 'allow profile osd' osd 'allow *' \
  -o "$CEPH_DIR/osd/ceph-0/keyring"
ceph-osd -c "$CONF" -i 0 --mkfs --osd-uuid "$osd_uuid" >"$CEPH_DIR/log/osd-mkfs.out" 2>&1
start_daemon osd.0 ceph-osd -i 0
wait_for "the OSD" 60 sh -c "timeout 10 ceph -c '$CONF' osd dump | grep -q '^osd.0 up'"

log "creating the RGW pools"
for pool in .rgw.root default.rgw.control default.rgw.meta default.rgw.log \
  default.rgw.buckets.index default.rgw.buckets.data default.rgw.buckets.non-ec; do
  ceph_cmd osd pool create "$pool" 8 8 >/dev/null 2>&1
  ceph_cmd osd pool application enable "$pool" rgw >/dev/null 2>&1
done

log "starting radosgw on $RGW_URL"
ceph_cmd auth get-or-create client.rgw.gw mon 'allow rw' osd 'allow rwx' -o "$CEPH_DIR/rgw.keyring"
start_daemon client.rgw.gw radosgw -n client.rgw.gw
wait_for "radosgw" 60 curl -fsS -o /dev/null --max-time 2 "$RGW_URL/"

access_key="$(head -c 15 /dev/urandom | od -An -tx1 | tr -d ' \n' | tr a-f A-F | head -c 20)"
secret_key="$(head -c 30 /dev/urandom | base64 | tr -d '/+=\n' | head -c 40)"
timeout 30 radosgw-admin -c "$CONF" -n client.admin user create --uid=bos-mirror --display-name="bos-mirror" \
  --access-key="$access_key" --secret-key="$secret_key" >/dev/null

cat >"$CEPH_DIR/env" <<EOF
export BLOB_STORE=s3
export BLOB_S3_ENDPOINT=$RGW_URL
export BLOB_S3_BUCKET=$BUCKET
export BLOB_S3_ACCESS_KEY=$access_key
export BLOB_S3_SECRET_KEY=$secret_key
export BLOB_S3_REGION=$REGION
EOF
log "up in $((SECONDS - started)) s ($(ceph-mon --version | cut -d' ' -f1-3)); data in RAM, logs in $CEPH_DIR/log"
cat "$CEPH_DIR/env"
