"""File writing that a kill or a full disk cannot leave half-done."""
import os
import os.path as osp


def atomic_write(data: bytes, filepath: str) -> None:
    """Write ``data`` to ``filepath`` via a temp file in the same folder, fsync and rename."""
    folder = osp.dirname(osp.abspath(filepath))
    os.makedirs(folder, exist_ok=True)
    tmp = osp.join(folder, f'.{osp.basename(filepath)}.tmp{os.getpid()}')
    try:
        with open(tmp, 'wb') as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, filepath)
    finally:
        if osp.exists(tmp):
            os.remove(tmp)
