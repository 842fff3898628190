#!/bin/sh
# Builds a Debian 12 (bookworm) cloud guest from Debian's packages, the real OS on the bare-metal host in the
# guest tests and `bm-agent lab --guest`:
#   OUT/rootfs.img         raw ext4 root (the lab's boot volume image; QemuHost boots it as /dev/vda)
#   OUT/vmlinuz            the image's own cloud kernel
#   OUT/initramfs.cpio.gz  the image's own initramfs-tools initrd, with the virtio modules the cloud kernel
#                          builds as modules (virtio_pci, virtio_blk, virtio_net)
# Nothing about the instance is baked in: cloud-init looks only for the EC2 metadata service at 169.254.169.254
# (the card's), which hands it the hostname and the SSH keys. The result is cached under
# /var/cache/bm-agent-guest/<hash of this script>, so only a change of this script rebuilds it (~70 s).
# Needs root, mmdebstrap and e2fsprogs. Usage: debian-image.sh OUT
set -eu
self=$(readlink -f "$0")
if [ "$1" = customize ]; then
  root=$2
  echo '/dev/vda / ext4 defaults,noatime 0 1' > "$root/etc/fstab"
  echo localhost > "$root/etc/hostname"
  # DHCP on the card's port by systemd-networkd (whatever udev names the virtio NIC); cloud-init leaves the
  # network alone, so the card's DHCP is the one source of the address.
  cat > "$root/etc/systemd/network/10-card.network" <<'NET'
[Match]
Name=en* eth*
[Network]
DHCP=ipv4
[DHCPv4]
UseDomains=yes
NET
  chroot "$root" systemctl enable systemd-networkd.service >/dev/null 2>&1
  # cloud-init's network stage is ordered after wait-online: it must wait for the lease (the metadata service is
  # reached through it), but for one link only, and not forever.
  mkdir -p "$root/etc/systemd/system/systemd-networkd-wait-online.service.d"
  cat > "$root/etc/systemd/system/systemd-networkd-wait-online.service.d/any.conf" <<'UNIT'
[Service]
ExecStart=
ExecStart=/lib/systemd/systemd-networkd-wait-online --any --timeout=30
UNIT
  # Units that wait or work in the background at boot and have no job on a short-lived test host.
  for u in apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer e2scrub_reap.service fstrim.timer \
      systemd-timesyncd.service getty@tty1.service systemd-pstore.service; do
    chroot "$root" systemctl mask "$u" >/dev/null 2>&1
  done
  cat > "$root/etc/cloud/cloud.cfg.d/90-bm-agent.cfg" <<'CFG'
# The card's metadata service (EC2 tree at 169.254.169.254) is the only source: nothing else is probed.
datasource_list: [ Ec2, None ]
datasource:
  Ec2:
    # Not an AWS machine by DMI: try the metadata service anyway.
    strict_id: false
    metadata_urls: [ "http://169.254.169.254" ]
    max_wait: 20
    timeout: 2
network: {config: disabled}
# The keys from the metadata service are root's; no default user.
users: []
disable_root: false
ssh_pwauth: false
# The ssh module runs at every boot (below) to take up keys changed by UpdateInstance; the host keys it made at the
# first boot stay, so a reboot does not change the host's identity.
ssh_deletekeys: false
CFG
  # cloud-init installs keys once per instance and only ever adds to authorized_keys: root's keys are the card's,
  # so each boot starts from none and takes the current set from the metadata service.
  sed -i 's/^ - ssh$/ - [ssh, always]/' "$root/etc/cloud/cloud.cfg"
  grep -q '^ - \[ssh, always\]$' "$root/etc/cloud/cloud.cfg"
  mkdir -p "$root/etc/systemd/system/cloud-init.service.d"
  cat > "$root/etc/systemd/system/cloud-init.service.d/keys-from-card.conf" <<'UNIT'
[Service]
ExecStartPre=/bin/rm -f /root/.ssh/authorized_keys
UNIT
  # ds-identify would disable cloud-init on a machine that does not look like EC2.
  echo 'policy: enabled' > "$root/etc/cloud/ds-identify.cfg"
  # The initrd loads only what the host has: virtio over PCI for the vhost-user disk and NIC.
  echo MODULES=list > "$root/etc/initramfs-tools/conf.d/bm-agent"
  printf 'virtio_pci\nvirtio_blk\nvirtio_net\next4\n' >> "$root/etc/initramfs-tools/modules"
  chroot "$root" update-initramfs -u -k all >/dev/null
  rm -f "$root"/etc/ssh/ssh_host_*
  exit 0
fi
out=$1
hash=$(sha256sum "$self" | cut -c1-16)
cache=${BM_GUEST_CACHE:-/var/cache/bm-agent-guest}/debian-$hash
mkdir -p "$out"
if [ ! -f "$cache/done" ]; then
  rm -rf "$cache"
  mkdir -p "$cache"
  work=$(mktemp -d "$cache.build.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  mirror=http://deb.debian.org/debian
  mmdebstrap --variant=minbase --mode=root --format=directory \
    --include=systemd,systemd-sysv,udev,dbus,openssh-server,cloud-init,iproute2,netbase \
    --include=linux-image-cloud-amd64,initramfs-tools,ca-certificates \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' \
    --customize-hook="sh '$self' customize \"\$1\"" \
    bookworm "$work/root" \
    "deb $mirror bookworm main" "deb $mirror bookworm-updates main" \
    "deb http://deb.debian.org/debian-security bookworm-security main"
  cp "$work"/root/boot/vmlinuz-* "$work/vmlinuz"
  cp "$work"/root/boot/initrd.img-* "$work/initramfs.cpio.gz"
  # 2 GiB sparse: room for cloud-init's and apt's state; unused blocks cost nothing in the cloned volume's file.
  truncate -s 2G "$work/rootfs.img"
  mke2fs -q -F -t ext4 -L root -d "$work/root" "$work/rootfs.img"
  mv "$work/vmlinuz" "$work/initramfs.cpio.gz" "$work/rootfs.img" "$cache/"
  touch "$cache/done"
fi
cp --sparse=always "$cache/rootfs.img" "$out/rootfs.img"
cp "$cache/vmlinuz" "$cache/initramfs.cpio.gz" "$out/"
