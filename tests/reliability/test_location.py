"""Refusing a database on removable media or a network share (ARCHITECTURE.md §2), with fake machines:
the pure decision takes a mount table and device facts; the live path reads a fake /proc and /sys tree."""

from __future__ import annotations

from pathlib import Path, PurePosixPath, PureWindowsPath

import pytest
from rel_support import record

from lhtl_desktop.cli import main
from lhtl_desktop.errors import UnsafeLocationError
from lhtl_desktop.storage import location, open_store
from lhtl_desktop.storage.location import (
    DRIVE_CDROM,
    DRIVE_FIXED,
    DRIVE_RAMDISK,
    DRIVE_REMOTE,
    DRIVE_REMOVABLE,
    LocationKind,
    classify_posix,
    classify_windows,
    parse_mounts,
)

MOUNTS = r"""/dev/sda2 / ext4 rw,relatime 0 0
proc /proc proc rw 0 0
tmpfs /run tmpfs rw 0 0
/dev/sda1 /boot/efi vfat rw 0 0
/dev/mapper/vg-home /home ext4 rw 0 0
/dev/sdb1 /media/hoa/KINGSTON vfat rw,nosuid 0 0
/dev/sdc1 /mnt/data ntfs3 rw 0 0
/dev/mmcblk0p1 /run/media/hoa/THE\040NHO vfat rw 0 0
/dev/sdd1 /home/hoa/usb-mount exfat rw 0 0
nas.local:/export/vanhoa /srv/vanhoa nfs4 rw 0 0
//192.168.1.10/chung /mnt/chung cifs rw 0 0
hoa@server:/data /home/hoa/remote fuse.sshfs rw 0 0
"""
REMOVABLE_DEVICES = {"sdb1", "sdc1", "sdd1", "mmcblk0p1"}

CASES_POSIX = [
    ("/home/hoa/.local/share/lhtl/lhtl.sqlite3", LocationKind.LOCAL),
    ("/var/lib/lhtl.sqlite3", LocationKind.LOCAL),
    ("/boot/efi/lhtl.sqlite3", LocationKind.LOCAL),
    ("/run/user/1000/lhtl.sqlite3", LocationKind.LOCAL),
    ("/media/hoa/KINGSTON/lhtl.sqlite3", LocationKind.REMOVABLE),
    ("/mnt/data/lhtl/lhtl.sqlite3", LocationKind.REMOVABLE),  # card reader flagged removable in /sys
    ("/run/media/hoa/THE NHO/lhtl.sqlite3", LocationKind.REMOVABLE),  # escaped space in /proc/mounts
    ("/home/hoa/usb-mount/x/lhtl.sqlite3", LocationKind.REMOVABLE),  # longest mount point wins over /home
    ("/home/hoa/usb-mountain/lhtl.sqlite3", LocationKind.LOCAL),  # a prefix of the name is not a mount
    ("/srv/vanhoa/lhtl.sqlite3", LocationKind.NETWORK),
    ("/mnt/chung/lhtl.sqlite3", LocationKind.NETWORK),
    ("/home/hoa/remote/lhtl.sqlite3", LocationKind.NETWORK),
]


@pytest.mark.parametrize(("path", "kind"), CASES_POSIX)
def test_posix_classification(path: str, kind: LocationKind) -> None:
    loc = classify_posix(PurePosixPath(path), parse_mounts(MOUNTS), lambda dev: dev in REMOVABLE_DEVICES)
    assert loc.kind == kind, loc


def test_mount_table_parsing_unescapes() -> None:
    entries = parse_mounts(MOUNTS)
    assert any(e.mount_point == "/run/media/hoa/THE NHO" for e in entries)
    assert parse_mounts("garbage\n\n") == []


CASES_WINDOWS = [
    (r"C:\Users\Hoa\AppData\Local\lhtl\lhtl.sqlite3", {"C:\\": DRIVE_FIXED}, LocationKind.LOCAL),
    (r"R:\lhtl.sqlite3", {"R:\\": DRIVE_RAMDISK}, LocationKind.LOCAL),
    (r"E:\lhtl.sqlite3", {"E:\\": DRIVE_REMOVABLE}, LocationKind.REMOVABLE),
    (r"F:\lhtl.sqlite3", {"F:\\": DRIVE_CDROM}, LocationKind.REMOVABLE),
    (r"Z:\phong\lhtl.sqlite3", {"Z:\\": DRIVE_REMOTE}, LocationKind.NETWORK),
    (r"\\MAYCHU\chung\lhtl.sqlite3", {}, LocationKind.NETWORK),
]


@pytest.mark.parametrize(("path", "types", "kind"), CASES_WINDOWS)
def test_windows_classification(path: str, types: dict[str, int], kind: LocationKind) -> None:
    loc = classify_windows(PureWindowsPath(path), lambda root: types[root])
    assert loc.kind == kind


def _fake_machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, device: str, fs: str, removable: str,
                  bus: str) -> Path:
    """A fake /proc/self/mounts and /sys/class/block where `tmp_path/place` is mounted from `device`."""
    place = tmp_path / "place"
    place.mkdir()
    sys_root = tmp_path / "sys"
    name = device.rsplit("/", 1)[-1]
    if device.startswith("/dev/"):
        disk = sys_root / "devices" / "pci0000:00" / bus / "block" / name[:-1]
        part = disk / name
        part.mkdir(parents=True)
        (part / "partition").write_text("1\n")
        (disk / "removable").write_text(removable + "\n")
        (sys_root / "class" / "block").mkdir(parents=True)
        (sys_root / "class" / "block" / name).symlink_to(part)
    mounts = tmp_path / "mounts"
    mounts.write_text(f"/dev/vda / ext4 rw 0 0\n{device} {place.resolve()} {fs} rw 0 0\n")
    monkeypatch.setattr(location, "MOUNTS_FILE", mounts)
    monkeypatch.setattr(location, "SYS_ROOT", sys_root)
    return place


MACHINES = [
    ("usb-stick", "/dev/sdb1", "vfat", "1", "usb1/1-1/1-1:1.0/host6/target6:0:0/6:0:0:0", "USB hoặc thẻ nhớ"),
    ("usb-hdd-not-flagged", "/dev/sdc1", "ntfs3", "0", "usb2/2-1/2-1:1.0/host7/target7:0:0/7:0:0:0",
     "USB hoặc thẻ nhớ"),
    ("card-reader", "/dev/sdd1", "exfat", "1", "ata3/host2/target2:0:0/2:0:0:0", "USB hoặc thẻ nhớ"),
    ("nfs", "nas:/export/vanhoa", "nfs4", "0", "", "ổ mạng dùng chung"),
    ("smb", "//10.0.0.2/chung", "cifs", "0", "", "ổ mạng dùng chung"),
]


def test_open_store_refuses_unsafe_places_and_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    tried = lost = 0
    for label, device, fs, removable, bus, where in MACHINES:
        case = tmp_path / label
        case.mkdir()
        place = _fake_machine(case, monkeypatch, device, fs, removable, bus)
        db = place / "lhtl" / "lhtl.sqlite3"
        tried += 1
        with pytest.raises(UnsafeLocationError) as caught:
            open_store(db)
        msg = caught.value.message
        ok = where in msg and "chép tệp vào ổ đĩa của máy" in msg and not db.parent.exists()
        rc = main(["--db", str(db), "init", "--unit", "14389", "--officer", "Hoa"])
        ok = ok and rc == 2 and "chép tệp vào ổ đĩa" in capsys.readouterr().err and not db.parent.exists()
        lost += 0 if ok else 1
    record("db-on-unsafe-location", "database on a USB stick, USB disk, card reader, NFS or SMB share",
           "fake /proc/self/mounts + /sys/class/block; open_store and the CLI", tried, lost)
    assert lost == 0


def test_local_disk_of_the_fake_machine_is_accepted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_machine(tmp_path, monkeypatch, "/dev/sda3", "ext4", "0", "ata1/host0/target0:0:0/0:0:0:0")
    db = tmp_path / "place" / "lhtl.sqlite3"
    open_store(db).close()
    assert db.exists()


def test_override_for_experts_and_tests(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    place = _fake_machine(tmp_path, monkeypatch, "/dev/sdb1", "vfat", "1", "usb1/1-1")
    open_store(place / "a.sqlite3", allow_unsafe_location=True).close()
    monkeypatch.setenv(location.OVERRIDE_ENV, "1")
    open_store(place / "b.sqlite3").close()
    assert (place / "a.sqlite3").exists() and (place / "b.sqlite3").exists()
    monkeypatch.delenv(location.OVERRIDE_ENV)
    with pytest.raises(UnsafeLocationError):
        open_store(place / "a.sqlite3")


def test_restore_refuses_to_put_the_database_on_a_stick(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        workload_db: Path) -> None:
    from lhtl_desktop.services import backups

    store = open_store(workload_db)
    copy = backups.export_backup(store, tmp_path / "copy.sqlite3")
    store.close()
    place = _fake_machine(tmp_path, monkeypatch, "/dev/sdb1", "vfat", "1", "usb1/1-1")
    with pytest.raises(UnsafeLocationError):
        backups.restore(place / "lhtl.sqlite3", copy)
    assert list(place.iterdir()) == []


def test_this_machine_live_detection_runs() -> None:
    """The live reader works on the machine running the tests (its temp folder is a local disk here)."""
    loc = location.classify_path(Path.cwd())
    assert loc.kind in set(LocationKind)
