#!/usr/bin/env bash
# Builds a small bootable database golden offline from Debian packages, without root and without
# mounting anything:
#
#   examples/golden/build-golden.sh golden.qcow2        # or golden.raw
#
# and upload the file as a golden image (see docs/guests.md). The guest is a Debian kernel and a busybox
# initramfs that runs Redis (Debian's redis-tools) with its data on the disk's ext4 partition, takes an
# address by DHCP and its hostname from the cloud-init seed Diskfleet attaches (label cidata). What it
# prints on its serial console is described in examples/golden/init.
#
# Options:
#   --append ARGS   kernel command line options for the guest's /init (default: diskfleet.db=1, which
#                   starts Redis; diskfleet.db=0 boots without it, diskfleet.poweroff=1 powers off at once)
#   --init FILE     the guest's /init (default: examples/golden/init next to this script)
#   --cache DIR     where the downloaded packages and the unpacked kernel are kept between runs
#                   (default: ${XDG_CACHE_HOME:-~/.cache}/diskfleet-golden)
#
# Needs (Debian packages): apt (apt-get, apt-cache), dpkg, busybox-static, syslinux, syslinux-common,
# mtools, dosfstools, fdisk, cpio, e2fsprogs, and qemu-utils for a .qcow2 output. Downloads about 80 MB
# the first time (the kernel package is most of it); later runs take a few seconds.
set -euo pipefail
export PATH="$PATH:/usr/sbin:/sbin"

here="$(cd "$(dirname "$0")" && pwd)"
append="diskfleet.db=1"
init="$here/init"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/diskfleet-golden"
while [ $# -gt 1 ]; do
  case "$1" in
    --append) append="$2"; shift 2 ;;
    --init) init="$2"; shift 2 ;;
    --cache) cache="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
if [ $# -ne 1 ] || [[ "$1" == -* ]]; then
  echo "usage: $0 [--append ARGS] [--init FILE] [--cache DIR] OUTPUT.raw|OUTPUT.qcow2" >&2
  exit 2
fi
output="$1"
case "$output" in
  *.raw|*.img) format=raw ;;
  *.qcow2) format=qcow2 ;;
  *) echo "the output must end in .raw, .img or .qcow2, not $output" >&2; exit 2 ;;
esac

missing=()
for tool in apt-get apt-cache dpkg-deb ldd tar cpio gzip sfdisk mkfs.vfat mcopy syslinux mke2fs; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
[ "$format" = raw ] || command -v qemu-img >/dev/null 2>&1 || missing+=(qemu-img)
busybox=/bin/busybox
mbr=/usr/lib/syslinux/mbr/mbr.bin
[ -x "$busybox" ] || missing+=("$busybox")
[ -f "$mbr" ] || missing+=("$mbr")
if [ "${#missing[@]}" -gt 0 ]; then
  echo "missing: ${missing[*]} (Debian packages busybox-static syslinux syslinux-common mtools dosfstools" \
       "fdisk cpio e2fsprogs qemu-utils)" >&2
  exit 1
fi
[ -f "$init" ] || { echo "no guest /init at $init" >&2; exit 1; }

# The disk: an MBR, a FAT16 boot partition (syslinux, kernel, initramfs) and an ext4 data partition.
disk_mib=64
fat_start_mib=1
fat_mib=24
data_start_mib=$((fat_start_mib + fat_mib))
# Modules the guest loads, each after those its depends= field names (the package has no modules.dep):
# virtio disks and ext4 for the data, virtio-net for DHCP, isofs for the cidata seed.
modules=(virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci virtio_blk
         crc16 crc32c_generic libcrc32c mbcache jbd2 ext4 failover net_failover virtio_net cdrom isofs)

cache="$(mkdir -p "$cache" && cd "$cache" && pwd)"
work="$(mktemp -d "$cache/work.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# ---- the kernel: vmlinuz and the modules above, from the package linux-image-amd64 depends on ----------
kernel_package="$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-/ { print $2; exit }')"
[ -n "$kernel_package" ] || { echo "apt-cache names no kernel package for linux-image-amd64" >&2; exit 1; }
kernel="$cache/kernel-$kernel_package"
have_kernel=true
for module in "${modules[@]}"; do [ -f "$kernel/modules/$module.ko" ] || have_kernel=false; done
if [ ! -f "$kernel/vmlinuz" ] || [ "$have_kernel" = false ]; then
  mkdir -p "$work/deb" "$work/kernel/modules" "$work/unpacked"
  (cd "$work/deb" && apt-get download -q "$kernel_package" >&2)
  patterns=("./boot/vmlinuz-*")
  for module in "${modules[@]}"; do patterns+=("*/$module.ko"); done
  # dpkg-deb -x would unpack every module (hundreds of MiB); the tar stream gives just these.
  dpkg-deb --fsys-tarfile "$work/deb/${kernel_package}"_*.deb | tar -x -C "$work/unpacked" --wildcards "${patterns[@]}"
  find "$work/unpacked" -name 'vmlinuz-*' -exec cp {} "$work/kernel/vmlinuz" \;
  find "$work/unpacked" -name '*.ko' -exec cp {} "$work/kernel/modules/" \;
  rm -rf "$kernel" && mv "$work/kernel" "$kernel"
  rm -rf "$work/deb" "$work/unpacked"
fi

declare -A placed=()
order=()
place() {
  local module="$1" dep
  [ -n "${placed[$module]:-}" ] && return
  [ -f "$kernel/modules/$module.ko" ] || { echo "module $module is needed but not unpacked; add it" >&2; exit 1; }
  placed[$module]=1
  for dep in $(grep -a -o 'depends=[A-Za-z0-9_,-]*' "$kernel/modules/$module.ko" | head -n 1 | cut -d= -f2 | tr ',' ' '); do
    place "$dep"
  done
  order+=("$module")
}
for module in "${modules[@]}"; do place "$module"; done

# ---- Redis: redis-tools (redis-server is its redis-check-rdb) and the libraries it loads -----------------
# The packages are redis-tools and, transitively, the library packages (lib*) it depends on; ldd then
# names the files the binaries load, resolved inside what was unpacked (LD_LIBRARY_PATH), never the host's.
redis_version="$(apt-cache policy redis-tools | awk '/Candidate:/ { print $2 }')"
[ -n "$redis_version" ] && [ "$redis_version" != "(none)" ] || { echo "apt-cache knows no redis-tools" >&2; exit 1; }
redis="$cache/redis-${redis_version//[^A-Za-z0-9.+~-]/_}"
if [ ! -x "$redis/usr/bin/redis-cli" ]; then
  packages=(redis-tools)
  declare -A seen=([redis-tools]=1)
  i=0
  while [ $i -lt ${#packages[@]} ]; do
    for dep in $(apt-cache depends --no-recommends --no-suggests --no-conflicts --no-breaks --no-replaces \
                   --no-enhances "${packages[$i]}" | awk '/^ *(Pre)?Depends: lib/ { print $2 }'); do
      if [ -z "${seen[$dep]:-}" ]; then seen[$dep]=1; packages+=("$dep"); fi
    done
    i=$((i + 1))
  done
  mkdir -p "$work/redis-deb" "$work/redis"
  (cd "$work/redis-deb" && apt-get download -q "${packages[@]}" >&2)
  for deb in "$work/redis-deb"/*.deb; do dpkg-deb -x "$deb" "$work/redis"; done
  rm -rf "$redis" && mv "$work/redis" "$redis"
  rm -rf "$work/redis-deb"
fi
libs="$redis/lib/x86_64-linux-gnu:$redis/usr/lib/x86_64-linux-gnu"
needed="$(LD_LIBRARY_PATH="$libs" ldd "$redis/usr/bin/redis-check-rdb" "$redis/usr/bin/redis-cli" \
            | awk '/=> \// { print $3 }' | sort -u)"
for lib in $needed; do
  case "$lib" in
    "$redis"/*) ;;
    *) echo "ldd resolved $lib outside the unpacked packages: a library package is missing" >&2; exit 1 ;;
  esac
done

# ---- the initramfs ---------------------------------------------------------------------------------------
root="$work/initramfs"
mkdir -p "$root"/{bin,etc,lib/modules,lib/x86_64-linux-gnu,lib64,proc,sys,dev,data,seed,tmp,run}
cp "$busybox" "$root/bin/busybox"
for module in "${order[@]}"; do cp "$kernel/modules/$module.ko" "$root/lib/modules/"; done
printf '%s\n' "${order[@]}" > "$root/etc/modules-order"
for lib in $needed; do cp -L "$lib" "$root/lib/x86_64-linux-gnu/"; done
cp -L "$redis/lib64/ld-linux-x86-64.so.2" "$root/lib64/"
cp -L "$redis/usr/bin/redis-check-rdb" "$root/bin/redis-server"
cp -L "$redis/usr/bin/redis-cli" "$root/bin/redis-cli"
cp "$init" "$root/init"
chmod 755 "$root/init" "$root/bin/busybox" "$root/bin/redis-server" "$root/bin/redis-cli"
# busybox udhcpc hands the lease to a script; this one applies the address, mask and router.
cat > "$root/etc/udhcpc.script" <<'EOF'
#!/bin/busybox sh
case "$1" in
  bound|renew)
    ip addr flush dev "$interface"
    ip addr add "$ip/${mask:-24}" dev "$interface"
    [ -n "$router" ] && ip route add default via "${router%% *}" dev "$interface"
    echo "$ip" > /run/address ;;
esac
exit 0
EOF
chmod 755 "$root/etc/udhcpc.script"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1 > "$work/initrd.gz")

# ---- the disk --------------------------------------------------------------------------------------------
raw="$work/disk.raw"
truncate -s "${disk_mib}M" "$raw"
sfdisk -q "$raw" <<EOF
label: dos
start=$((fat_start_mib * 2048)), size=$((fat_mib * 2048)), type=6, bootable
start=$((data_start_mib * 2048)), type=83
EOF
mkfs.vfat -C "$work/fat.img" $((fat_mib * 1024)) >/dev/null
syslinux --install "$work/fat.img"
# no_timer_check: under QEMU's TCG on a busy host the kernel's check of the IO-APIC timer can miss its
# ticks and panic ("IO-APIC + timer doesn't work"); a virtual machine's timer needs no such check.
cat > "$work/syslinux.cfg" <<EOF
DEFAULT guest
PROMPT 0
TIMEOUT 0
LABEL guest
  KERNEL vmlinuz
  INITRD initrd.gz
  APPEND console=ttyS0 quiet panic=-1 no_timer_check $append
EOF
mcopy -i "$work/fat.img" "$kernel/vmlinuz" "$work/initrd.gz" "$work/syslinux.cfg" ::
mkdir -p "$work/data"
echo golden > "$work/data/last-writer"
mke2fs -q -F -t ext4 -d "$work/data" "$work/data.ext4" $(((disk_mib - data_start_mib) * 1024))k
dd if="$work/fat.img" of="$raw" bs=1M seek=$fat_start_mib conv=notrunc,sparse status=none
dd if="$work/data.ext4" of="$raw" bs=1M seek=$data_start_mib conv=notrunc,sparse status=none
# mbr.bin is boot code only (440 bytes): the partition table after it stays as sfdisk wrote it.
dd if="$mbr" of="$raw" bs=440 count=1 conv=notrunc status=none

# Written next to the output and renamed into place: an interrupted build leaves no half a golden.
partial="$(dirname "$output")/.$(basename "$output").partial"
if [ "$format" = qcow2 ]; then
  qemu-img convert -f raw -O qcow2 "$raw" "$partial"
else
  cp --sparse=always "$raw" "$partial"
fi
mv -f "$partial" "$output"
echo "$output: $format, ${disk_mib} MiB, kernel $kernel_package, Redis $redis_version, append '$append'" >&2
