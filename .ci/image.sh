#!/usr/bin/env bash
# image.sh builds the Dockerfile without a Docker daemon and checks the
# image: buildah (Debian's package) with the vfs storage driver and chroot
# isolation, both of which work without privileges a container lacks.
#
#   .ci/image.sh            # build localhost/trailscan:ci, check it, print its size
#
# No base image can be pulled here, so the build stage is an image made on
# the spot from this host: a shell, the CA certificates and, mounted rather
# than copied, the host's Go toolchain, module cache and build cache
# (--build-arg GO_IMAGE). The final stage is FROM scratch, as everywhere.
# Storage lives in ${TRAILSCAN_IMAGE_STATE:-${TMPDIR:-/tmp}/trailscan-image}, not
# in /var/lib/containers.
set -euo pipefail
cd "$(dirname "$0")/.."

state=${TRAILSCAN_IMAGE_STATE:-${TMPDIR:-/tmp}/trailscan-image}
tag=localhost/trailscan:ci
builder=localhost/trailscan-build:host

log() { echo "image: $*" >&2; }

if ! command -v buildah >/dev/null; then
	log "installing buildah"
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq buildah >/dev/null
fi

mkdir -p "$state"
rm -f "$state/run.log"
bah() { buildah --root "$state/storage" --runroot "$state/run" --storage-driver vfs "$@"; }

goroot=$(go env GOROOT)
modcache=$(go env GOMODCACHE)
gocache=$(go env GOCACHE)

# The build stage's base: /bin/sh with the libraries it links, and the CA
# certificates, which the final stage copies from it.
log "making the build stage's base from this host"
bah rmi -f "$builder" >/dev/null 2>&1 || true
ctr=$(bah from scratch)
root=$(bah mount "$ctr")
sh=$(readlink -f /bin/sh)
mkdir -p "$root/bin" "$root/tmp" "$root/etc/ssl/certs" "$root/src" "$root/go"
chmod 1777 "$root/tmp"
cp "$sh" "$root/bin/sh"
for lib in $(ldd "$sh" | grep -o '/[^ ]*'); do
	mkdir -p "$root$(dirname "$lib")"
	cp -L "$lib" "$root$lib"
done
cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/"
bah unmount "$ctr" >/dev/null
bah config --env PATH=/usr/local/go/bin:/bin --env GOPATH=/go --env HOME=/tmp \
	--env GOCACHE=/root/.cache/go-build --env GOTOOLCHAIN=local "$ctr"
bah commit -q --rm "$ctr" "$builder" >/dev/null

version=$(git describe --tags --always 2>/dev/null || echo "")
commit=$(git rev-parse HEAD 2>/dev/null || echo "")
modified=false
[[ -z $(git status --porcelain 2>/dev/null) ]] || modified=true
[[ $version == v* ]] || version="" # no release tag yet: the build info's (devel)

# build TAG [TARGET] builds the Dockerfile's default target, or TARGET.
build() {
	log "building $1"
	bah rmi -f "$1" >/dev/null 2>&1 || true
	bah bud -q --isolation chroot --pull=never --layers=false ${2:+--target "$2"} \
		--build-arg GO_IMAGE="$builder" --build-arg SHELL_IMAGE="$builder" \
		--build-arg VERSION="$version" --build-arg COMMIT="$commit" --build-arg MODIFIED="$modified" \
		-v "$goroot:/usr/local/go:ro" -v "$modcache:/go/pkg/mod" -v "$gocache:/root/.cache/go-build" \
		-t "$1" -f Dockerfile . >/dev/null
	bah rmi --prune >/dev/null 2>&1 || true
}
build "$tag"

# What the image is: its configuration, its size, and trailscan running in it.
config=$(bah inspect --type image --format '{{.OCIv1.Config.User}} {{.OCIv1.Config.Entrypoint}}' "$tag")
[[ $config == '65532:65532 [trailscan]' ]] || { log "unexpected user and entrypoint: $config"; exit 1; }
size=$(bah images --format '{{.Size}}' "$tag")

ctr=$(bah from --pull=never "$tag")
trap 'bah rm "$ctr" >/dev/null 2>&1 || true' EXIT
root=$(bah mount "$ctr")
files=$(cd "$root" && find . -type f | sort | tr '\n' ' ')
[[ $files == './etc/group ./etc/passwd ./etc/ssl/certs/ca-certificates.crt ./usr/local/bin/trailscan ' ]] ||
	{ log "unexpected files in the image: $files"; exit 1; }
bah unmount "$ctr" >/dev/null
got=$(bah run --isolation chroot "$ctr" -- trailscan --version)
want="trailscan ${version:-(devel)}"
if [[ -n $commit && $modified == true ]]; then
	want+=" (commit $commit, modified)"
elif [[ -n $commit ]]; then
	want+=" (commit $commit)"
fi
[[ $got == "$want" ]] || { log "trailscan --version in the image printed '$got', want '$want'"; exit 1; }
# A scan as the image's user, of the sample archive mounted read-only;
# that user cannot write to /.
inimage() { bah run --isolation chroot -v "$PWD/testdata/sample/archive:/data:ro" "$ctr" -- trailscan "$@" 2>>"$state/run.log"; }
rc=0
inimage scan -q -f json /data >"$state/scan.json" || rc=$?
[[ $rc == 3 ]] || { log "trailscan scan in the image exited $rc, want 3 (the sample holds damaged files)"; cat "$state/run.log" >&2; exit 1; }
grep -q '"events_matched"' "$state/scan.json" || { log "trailscan scan in the image wrote no result"; exit 1; }
if inimage scan -q -f json -o /root.json /data; then
	log "trailscan in the image could write to /: it runs as root"
	exit 1
fi
grep -q 'permission denied' "$state/run.log" || { log "writing to / failed, but not for want of permission"; cat "$state/run.log" >&2; exit 1; }
bah rm "$ctr" >/dev/null
log "ok: $tag, $size, user 65532, entrypoint trailscan; in it: $got"

# The shell target runs the README's AWS Batch and Kubernetes commands,
# word for word but for N (4), the source and the dates (the sample archive of
# October 2026, for the bucket), with the index variable each engine sets
# given by hand: 4 shards, then the merge.
build "$tag-shell" shell
ctr=$(bah from --pull=never "$tag-shell")
parts=$state/parts
rm -rf "$parts" && mkdir -p "$parts" && chmod 777 "$parts"
batch='trailscan scan --shard auto/4 --since 2026-01-01 --until 2026-07-01 -q -f json -o /parts/part-$AWS_BATCH_JOB_ARRAY_INDEX.json s3://org-trail-bucket/prefix; rc=$?; [ $rc -eq 3 ] && rc=0; exit $rc'
k8s='trailscan scan --shard auto/4 --since 2026-01-01 --until 2026-07-01 -q -f json -o /parts/part-$JOB_COMPLETION_INDEX.json s3://org-trail-bucket/prefix; rc=$?; [ $rc -eq 3 ] && rc=0; exit $rc'
for engine in AWS_BATCH_JOB_ARRAY_INDEX JOB_COMPLETION_INDEX; do
	cmd=$batch
	[[ $engine == JOB_COMPLETION_INDEX ]] && cmd=$k8s
	cmd=${cmd//--since 2026-01-01 --until 2026-07-01 /}
	cmd=${cmd//s3:\/\/org-trail-bucket\/prefix//data}
	for i in 0 1 2 3; do
		bah run --isolation chroot -v "$PWD/testdata/sample/archive:/data:ro" -v "$parts:/parts" \
			-e "$engine=$i" "$ctr" -- sh -c "$cmd" 2>>"$state/run.log" ||
			{ log "shard $i of: $cmd"; cat "$state/run.log" >&2; exit 1; }
	done
	rc=0
	bah run --isolation chroot -v "$parts:/parts" "$ctr" -- \
		sh -c 'trailscan merge -q -f json -o /parts/merged.json /parts/part-*.json' 2>>"$state/run.log" || rc=$?
	[[ $rc == 3 ]] || { log "the merge of: $cmd exited $rc, want 3"; cat "$state/run.log" >&2; exit 1; }
	grep -q '"parts": \[' "$parts/merged.json" || { log "the merge wrote no merged result"; exit 1; }
	rm -f "$parts"/*.json
done
log "ok: $tag-shell runs the README's AWS Batch and Kubernetes commands"
