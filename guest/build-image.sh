#!/bin/sh
# Builds the smallest guest that boots from a vhost-user-blk cloud disk, for the soft card's guest tests:
#   OUT/initramfs.cpio.gz  busybox and the cloud kernel's virtio modules; its /init loads them, mounts root= and
#                          switches to it (Debian's cloud kernel builds virtio as modules)
#   OUT/rootfs.img         an ext4 root file system (busybox) whose /sbin/init reports on the serial console
#   OUT/vmlinuz            the kernel
#   SCRIPT                 optional: copied to /etc/bmtest.sh, which init runs before it reports DONE (a test's
#                          own work in the guest: a write loop, pings)
# Needs busybox-static, e2fsprogs, cpio and linux-image-cloud-amd64. Usage: build-image.sh OUT [SCRIPT]
set -eu
out=$1
script=${2:-}
kernel=$(ls /boot/vmlinuz-*-cloud-amd64 | sort -V | tail -n 1)
version=${kernel#/boot/vmlinuz-}
modules=/lib/modules/$version/kernel
mkdir -p "$out"
work=$(mktemp -d "$out/build.XXXXXX")
trap 'rm -rf "$work"' EXIT

initrd=$work/initrd
mkdir -p "$initrd/bin" "$initrd/dev" "$initrd/proc" "$initrd/sys" "$initrd/newroot" "$initrd/modules"
cp /bin/busybox "$initrd/bin/busybox"
# Dependency order (modinfo -F depends): virtio needs virtio_ring; virtio_pci needs both pci helpers;
# virtio_net needs net_failover, which needs failover. evdev and button let the guest see the ACPI power button.
for m in drivers/virtio/virtio_ring drivers/virtio/virtio drivers/virtio/virtio_pci_modern_dev \
    drivers/virtio/virtio_pci_legacy_dev drivers/virtio/virtio_pci drivers/block/virtio_blk net/core/failover \
    drivers/net/net_failover drivers/net/virtio_net drivers/input/evdev drivers/acpi/button; do
  cp "$modules/$m.ko" "$initrd/modules/"
done
cat > "$initrd/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t devtmpfs dev /dev
mount -t proc proc /proc
mount -t sysfs sys /sys
for m in virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci virtio_blk failover \
    net_failover virtio_net evdev button; do
  insmod /modules/$m.ko
done
root=$(sed -n 's/.*root=\([^ ]*\).*/\1/p' /proc/cmdline)
for i in $(seq 100); do [ -b "$root" ] && break; sleep 0.1; done
mount -t ext4 "$root" /newroot || { echo "BMGUEST-FAIL cannot mount $root"; poweroff -f; }
umount /proc /sys
mount --move /dev /newroot/dev
exec switch_root /newroot /sbin/init
INIT
chmod 755 "$initrd/init"
(cd "$initrd" && find . | cpio -o -H newc --quiet | gzip -1) > "$out/initramfs.cpio.gz"

root=$work/root
mkdir -p "$root/bin" "$root/sbin" "$root/dev" "$root/proc" "$root/sys" "$root/etc" "$root/tmp"
cp /bin/busybox "$root/bin/busybox"
echo "bm-agent guest root file system" > "$root/etc/motd"
# The guest's report: the kernel's uptime when init starts (the boot benchmark's figure), where root is, the disk's serial (virtio-blk GET_ID, what udev names by-id after), a file
# read from the cloud disk, then a marker written raw past the file system (block 15360, the test reads it back).
cat > "$root/sbin/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
echo "BMGUEST init uptime=$(cut -d' ' -f1 /proc/uptime)"
echo "BMGUEST root=$(awk '$2 == "/" {print $1}' /proc/mounts) serial=$(cat /sys/block/vda/serial)"
echo "BMGUEST queues=$(ls /sys/block/vda/mq | wc -l) logical=$(cat /sys/block/vda/queue/logical_block_size)"
echo "BMGUEST motd=$(cat /etc/motd)"
# With a NIC: an address by DHCP from the card's port, then the gateway's MAC by ARP, both answered by the card.
if [ -e /sys/class/net/eth0 ]; then
  ip link set eth0 up
  udhcpc -i eth0 -n -q -t 5 -T 1 -s /etc/udhcpc.sh >/dev/null 2>&1
  echo "BMGUEST eth0=$(ip -4 addr show eth0 | awk '/inet / {print $2}') router=$(cat /tmp/router)"
  echo "BMGUEST arping=$(arping -c 1 -w 3 -I eth0 "$(cat /tmp/router)" | grep -o 'from [^ ]* \[[^]]*\]')"
fi
# A sequential read of the whole disk's first 32 MiB, for a throughput figure (the first read of each block).
t0=$(cut -d' ' -f1 /proc/uptime)
dd if=/dev/vda of=/dev/null bs=1M count=32 2>/dev/null
echo "BMGUEST read 32 MiB in $(awk -v t0="$t0" '{print $1 - t0}' /proc/uptime) s"
echo "written by the guest through vhost-user-blk" | dd of=/dev/vda bs=4096 seek=15360 conv=fsync 2>/dev/null
sync
# Data disks, in attachment order after the boot disk.
for d in /sys/block/vd[b-z]; do
  [ -e "$d" ] && echo "BMGUEST data ${d##*/} serial=$(cat "$d/serial") size=$(cat "$d/size")"
done
[ -x /etc/bmtest.sh ] && /etc/bmtest.sh
# The ACPI power button (QEMU's system_powerdown, the card's graceful stop) shuts down cleanly: any event
# from the button's input device, then sync and power off. Otherwise the host stays up. The device is opened
# here, before DONE, so that a press that follows DONE at once is queued for the reader, not lost.
for e in /sys/class/input/event*; do
  if [ "$(cat "$e/device/name")" = "Power Button" ]; then
    exec 3<"/dev/input/${e##*/}"
    (dd bs=24 count=1 <&3 >/dev/null 2>&1; echo "BMGUEST power button"; sync; poweroff -f) &
  fi
done
echo "BMGUEST-DONE uptime=$(cut -d' ' -f1 /proc/uptime)"
while true; do sleep 3600; done
INIT
chmod 755 "$root/sbin/init"
cat > "$root/etc/udhcpc.sh" <<'DHCP'
#!/bin/sh
case "$1" in
  bound|renew) ip addr add "$ip/$mask" dev "$interface"; echo "$router" > /tmp/router ;;
esac
DHCP
chmod 755 "$root/etc/udhcpc.sh"
if [ -n "$script" ]; then
  cp "$script" "$root/etc/bmtest.sh"
  chmod 755 "$root/etc/bmtest.sh"
fi
# 60 MiB of file system in a 64 MiB image: the last 4 MiB are free for the raw marker.
truncate -s 64M "$out/rootfs.img"
mke2fs -q -F -t ext4 -b 4096 -d "$root" "$out/rootfs.img" 15360
cp "$kernel" "$out/vmlinuz"
