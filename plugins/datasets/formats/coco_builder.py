"""A COCO detection json built image by image: what every importer writes into.

Shapes: boxes x1y1x2y2 in pixels in, COCO ``bbox`` [x, y, w, h] out; category ids
1 .. K in the order of ``classes`` (given, or as names first appear). An image with
no box stays in ``images`` (a training image without objects: docs/own_data.md).
"""
import json
from typing import Optional, Sequence

from plugins.errors import DataError


class CocoBuilder:
    """Args:
        classes: category names in label order; None: in order of first appearance.
    """

    def __init__(self, classes: Optional[Sequence[str]] = None):
        self.fixed = classes is not None
        self.classes = list(classes or [])
        self.images, self.annotations = [], []

    def add_image(self, file_name: str, width: int, height: int) -> int:
        """-> the new image's id."""
        self.images.append(dict(id=len(self.images) + 1, file_name=file_name,
                                width=int(width), height=int(height)))
        return len(self.images)

    def category_id(self, name: str, where: str) -> int:
        if name not in self.classes:
            if self.fixed:
                raise DataError(f'{where}: class {name!r} is not one of {self.classes}')
            self.classes.append(name)
        return self.classes.index(name) + 1

    def add_box(self, image_id: int, name: str, box: Sequence[float], where: str,
                segmentation: Optional[list] = None) -> None:
        """``box`` x1y1x2y2; ``where``: the file (and line) named by any error."""
        x1, y1, x2, y2 = (float(v) for v in box)
        if not x2 > x1 or not y2 > y1:
            raise DataError(f'{where}: box {[x1, y1, x2, y2]} has no area (x2 <= x1 or y2 <= y1)')
        ann = dict(id=len(self.annotations) + 1, image_id=image_id,
                   category_id=self.category_id(name, where), iscrowd=0,
                   bbox=[x1, y1, x2 - x1, y2 - y1], area=(x2 - x1) * (y2 - y1))
        if segmentation is not None:
            ann['segmentation'] = segmentation
        self.annotations.append(ann)

    def to_dict(self) -> dict:
        return dict(images=self.images, annotations=self.annotations,
                    categories=[dict(id=i + 1, name=n) for i, n in enumerate(self.classes)])

    def dump(self, path: str) -> None:
        with open(path, 'w') as f:
            json.dump(self.to_dict(), f)
