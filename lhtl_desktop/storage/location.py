"""Where the database lives: refuse removable media and network shares (ARCHITECTURE.md §2).

SQLite's locking and durability promises do not hold on a USB stick that can be pulled mid-write or on a
network file system whose locks lie; the database must live on the local disk. The decision is a pure
function over an injected mount table and device facts, so tests can describe any machine; the live
versions read `/proc/self/mounts` + `/sys/block/*/removable` on Linux and call `GetDriveTypeW` on Windows.

An expert (or a test) can override with `LHTL_ALLOW_UNSAFE_LOCATION=1` or `open_store(..., allow_unsafe_location=True)`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path, PurePath, PurePosixPath, PureWindowsPath

from lhtl_desktop.errors import UnsafeLocationError
from lhtl_desktop.i18n import _

OVERRIDE_ENV = "LHTL_ALLOW_UNSAFE_LOCATION"
# Where the live facts are read (module attributes so a test can point them at a fake machine).
MOUNTS_FILE = Path("/proc/self/mounts")
SYS_ROOT = Path("/sys")

NETWORK_FS_TYPES = frozenset({
    "nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "ncpfs", "afs", "coda", "ceph", "glusterfs",
    "9p", "davfs", "lustre", "gpfs", "ocfs2", "gfs2", "fuse.sshfs", "fuse.gvfsd-fuse", "fuse.rclone",
    "fuse.davfs2", "fuse.glusterfs", "fuse.s3fs", "fuse.smbnetfs", "fuse.curlftpfs", "sshfs", "webdav",
})
# Mount points that desktop environments use for sticks and cards (udisks2, older automounters).
REMOVABLE_MOUNT_PREFIXES = ("/media/", "/run/media/")

# Windows GetDriveTypeW results.
DRIVE_UNKNOWN, DRIVE_NO_ROOT_DIR, DRIVE_REMOVABLE, DRIVE_FIXED, DRIVE_REMOTE, DRIVE_CDROM, DRIVE_RAMDISK = range(7)


class LocationKind(StrEnum):
    LOCAL = "local"
    REMOVABLE = "removable"
    NETWORK = "network"


@dataclass(frozen=True)
class MountEntry:
    device: str
    mount_point: str
    fs_type: str


@dataclass(frozen=True)
class Location:
    kind: LocationKind
    mount_point: str
    detail: str  # device or share, for the message

    @property
    def safe(self) -> bool:
        return self.kind == LocationKind.LOCAL


def _unescape_mount(field: str) -> str:
    """/proc/mounts writes space, tab, newline and backslash as octal escapes (\\040 …)."""
    out, i = [], 0
    while i < len(field):
        if field[i] == "\\" and i + 3 < len(field) and field[i + 1:i + 4].isdigit():
            out.append(chr(int(field[i + 1:i + 4], 8)))
            i += 4
        else:
            out.append(field[i])
            i += 1
    return "".join(out)


def parse_mounts(text: str) -> list[MountEntry]:
    """Entries of a /proc/mounts-format table (device, mount point, type, options, dump, pass)."""
    entries = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        entries.append(MountEntry(_unescape_mount(parts[0]), _unescape_mount(parts[1]), parts[2]))
    return entries


def _is_under(path: PurePosixPath, mount_point: str) -> bool:
    mp = PurePosixPath(mount_point)
    return path == mp or mp in path.parents


def mount_for(path: PurePosixPath, mounts: Iterable[MountEntry]) -> MountEntry | None:
    """The entry whose mount point is the longest prefix of `path` (the last one wins for equal points)."""
    best: MountEntry | None = None
    for entry in mounts:
        if _is_under(path, entry.mount_point) and (
            best is None or len(entry.mount_point) >= len(best.mount_point)
        ):
            best = entry
    return best


def block_device_name(device: str) -> str | None:
    """'/dev/sdb1' → 'sdb1'; anything not under /dev (tmpfs, overlay, server:/share) → None."""
    if not device.startswith("/dev/"):
        return None
    name = device[len("/dev/"):]
    if name.startswith("mapper/") or name.startswith("disk/"):
        return None
    return name


def classify_posix(path: PurePosixPath, mounts: Iterable[MountEntry],
                   is_removable_device: Callable[[str], bool]) -> Location:
    """Pure decision for Linux-like systems. `path` must be absolute and resolved (symlinks followed)."""
    entry = mount_for(path, mounts)
    if entry is None:
        return Location(LocationKind.LOCAL, "/", "")
    fs = entry.fs_type.lower()
    if fs in NETWORK_FS_TYPES or entry.device.startswith("//") or (
        ":" in entry.device and not entry.device.startswith("/")
    ):
        return Location(LocationKind.NETWORK, entry.mount_point, entry.device)
    dev = block_device_name(entry.device)
    if dev is not None and is_removable_device(dev):
        return Location(LocationKind.REMOVABLE, entry.mount_point, entry.device)
    mp = entry.mount_point.rstrip("/") + "/"
    if mp != "/" and any(mp.startswith(prefix) for prefix in REMOVABLE_MOUNT_PREFIXES):
        return Location(LocationKind.REMOVABLE, entry.mount_point, entry.device)
    return Location(LocationKind.LOCAL, entry.mount_point, entry.device)


# STORAGE_BUS_TYPE values (winioctl.h) of buses a disk can be pulled from while the PC runs. USB SSDs and
# many flash drives call themselves DRIVE_FIXED, so the drive type alone misses them; the bus does not lie.
BUS_TYPE_1394, BUS_TYPE_USB, BUS_TYPE_SD, BUS_TYPE_MMC = 0x4, 0x7, 0xC, 0xD
REMOVABLE_BUSES = frozenset({BUS_TYPE_1394, BUS_TYPE_USB, BUS_TYPE_SD, BUS_TYPE_MMC})


def classify_windows(path: PureWindowsPath, drive_type: Callable[[str], int],
                     bus_type: Callable[[str], int | None] | None = None) -> Location:
    """Pure decision for Windows: UNC paths are shares; otherwise GetDriveTypeW of the drive root, and for a
    "fixed" drive the bus it hangs off (IOCTL_STORAGE_QUERY_PROPERTY; None when it cannot be asked)."""
    anchor = path.anchor
    if anchor.startswith("\\\\"):
        return Location(LocationKind.NETWORK, anchor, anchor)
    root = anchor if anchor.endswith("\\") else anchor + "\\"
    kind = drive_type(root)
    if kind == DRIVE_REMOTE:
        return Location(LocationKind.NETWORK, root, root)
    if kind in (DRIVE_REMOVABLE, DRIVE_CDROM):
        return Location(LocationKind.REMOVABLE, root, root)
    if bus_type is not None and bus_type(root) in REMOVABLE_BUSES:
        return Location(LocationKind.REMOVABLE, root, root)
    return Location(LocationKind.LOCAL, root, root)


# -- live facts of this machine -------------------------------------------------------------------------
def sys_block_removable(name: str, sys_root: Path | None = None) -> bool:
    """True if the block device (or the disk a partition belongs to) is removable or hangs off USB."""
    node = (sys_root or SYS_ROOT) / "class" / "block" / name
    try:
        real = node.resolve()
    except OSError:
        return False
    candidates = [real]
    if (real / "partition").exists():
        candidates.append(real.parent)
    for dev in candidates:
        try:
            if (dev / "removable").read_text().strip() == "1":
                return True
        except OSError:
            pass
        if "/usb" in str(dev):
            return True
    return False


def _windows_drive_type(root: str) -> int:
    import ctypes

    return int(ctypes.windll.kernel32.GetDriveTypeW(ctypes.c_wchar_p(root)))  # type: ignore[attr-defined]


def _windows_bus_type(root: str) -> int | None:  # pragma: no cover — Windows only; decision tested through a fake
    """The STORAGE_BUS_TYPE of the volume `root` ("E:\\") via IOCTL_STORAGE_QUERY_PROPERTY, or None."""
    import ctypes
    from ctypes import wintypes

    IOCTL_STORAGE_QUERY_PROPERTY = 0x2D1400
    OPEN_EXISTING, FILE_SHARE_READ_WRITE = 3, 0x1 | 0x2

    class StoragePropertyQuery(ctypes.Structure):
        _fields_ = [("PropertyId", ctypes.c_int), ("QueryType", ctypes.c_int),
                    ("AdditionalParameters", ctypes.c_ubyte * 1)]

    class StorageDeviceDescriptor(ctypes.Structure):
        _fields_ = [("Version", wintypes.DWORD), ("Size", wintypes.DWORD), ("DeviceType", ctypes.c_ubyte),
                    ("DeviceTypeModifier", ctypes.c_ubyte), ("RemovableMedia", ctypes.c_ubyte),
                    ("CommandQueueing", ctypes.c_ubyte), ("VendorIdOffset", wintypes.DWORD),
                    ("ProductIdOffset", wintypes.DWORD), ("ProductRevisionOffset", wintypes.DWORD),
                    ("SerialNumberOffset", wintypes.DWORD), ("BusType", ctypes.c_int),
                    ("RawPropertiesLength", wintypes.DWORD), ("RawDeviceProperties", ctypes.c_ubyte * 1)]

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    handle = kernel32.CreateFileW(f"\\\\.\\{root.rstrip(chr(92))}", 0, FILE_SHARE_READ_WRITE, None,
                                  OPEN_EXISTING, 0, None)
    if handle in (-1, 0xFFFFFFFF, None):
        return None
    try:
        query = StoragePropertyQuery(0, 0)  # StorageDeviceProperty, PropertyStandardQuery
        descriptor = StorageDeviceDescriptor()
        returned = wintypes.DWORD()
        ok = kernel32.DeviceIoControl(handle, IOCTL_STORAGE_QUERY_PROPERTY, ctypes.byref(query),
                                      ctypes.sizeof(query), ctypes.byref(descriptor), ctypes.sizeof(descriptor),
                                      ctypes.byref(returned), None)
        return int(descriptor.BusType) if ok else None
    finally:
        kernel32.CloseHandle(handle)


def _nearest_existing(path: Path) -> Path:
    p = path.absolute()
    while not p.exists() and p.parent != p:
        p = p.parent
    return p.resolve()


def classify_path(path: Path | str) -> Location:
    """Where `path` (or the nearest existing folder above it) lives on this machine."""
    target = _nearest_existing(Path(path))
    if sys.platform == "win32":
        return classify_windows(PureWindowsPath(str(target)), _windows_drive_type, _windows_bus_type)
    try:
        text = MOUNTS_FILE.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return Location(LocationKind.LOCAL, "/", "")  # no mount table (macOS, BSD): no refusal
    return classify_posix(PurePosixPath(str(target)), parse_mounts(text), sys_block_removable)


def override_allowed() -> bool:
    return os.environ.get(OVERRIDE_ENV, "").strip().lower() in {"1", "yes", "true", "on"}


def refusal_message(path: PurePath | str, location: Location) -> str:
    where = _("USB hoặc thẻ nhớ") if location.kind == LocationKind.REMOVABLE else _("ổ mạng dùng chung")
    return _(
        "Cơ sở dữ liệu «{path}» đang nằm trên {where} ({detail}). Để không mất dữ liệu khi rút thiết bị "
        "hoặc mất kết nối, hãy chép tệp vào ổ đĩa của máy (ví dụ thư mục dữ liệu mặc định) rồi mở từ đó. "
        "Có thể dùng bản sao lưu trên USB bằng lệnh «restore»."
    ).format(path=path, where=where, detail=location.detail or location.mount_point)


def require_safe_location(path: Path | str, *, allow: bool | None = None,
                          classify: Callable[[Path | str], Location] | None = None) -> Location:
    """Raise UnsafeLocationError unless `path` is on a local disk (or the override is given)."""
    location = (classify or classify_path)(path)
    if location.safe:
        return location
    if allow is None:
        allow = override_allowed()
    if allow:
        return location
    raise UnsafeLocationError(refusal_message(path, location))
