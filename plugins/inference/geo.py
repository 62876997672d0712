"""Detections of a whole image as files GIS and DeepForest users read.

- ``to_geojson``: a FeatureCollection, one Polygon per box, its corners mapped through
  the raster's affine transform into the raster's CRS (named in the legacy ``crs``
  member, which GDAL / QGIS / geopandas read); ``label``, ``class``, ``score`` as
  properties. A raster without georeference gives pixel coordinates (y down) and one
  warning line.
- ``csv_rows``: DeepForest's prediction table: image_path, xmin, ymin, xmax, ymax
  (pixels), label (the class name), score.
"""
import logging
from typing import List, Optional, Sequence

from mmengine.logging import print_log

CSV_HEADER = ('image_path', 'xmin', 'ymin', 'xmax', 'ymax', 'label', 'score')


def class_name(classes: Optional[Sequence[str]], label: int) -> str:
    return str(classes[label]) if classes and label < len(classes) else str(label)


def to_geojson(pred, source, classes: Optional[Sequence[str]] = None) -> dict:
    """``pred``: InstanceData (bboxes, scores, labels) in ``source``'s pixels."""
    transform = source.transform
    if transform is None:
        print_log(f'{source.path}: no georeference (CRS); the GeoJSON holds pixel coordinates',
                  logger='current', level=logging.WARNING)

    def point(x, y):  # the affine map written out (affine's operators changed across versions)
        if transform is None:
            return [x, y]
        t = transform
        return [t.a * x + t.b * y + t.c, t.d * x + t.e * y + t.f]
    features = []
    for (x1, y1, x2, y2), score, label in zip(pred.bboxes.tolist(), pred.scores.tolist(),
                                              pred.labels.tolist()):
        ring = [point(x, y) for x, y in ((x1, y1), (x2, y1), (x2, y2), (x1, y2), (x1, y1))]
        features.append(dict(type='Feature', geometry=dict(type='Polygon', coordinates=[ring]),
                             properties=dict(label=int(label), score=round(float(score), 4),
                                             **{'class': class_name(classes, int(label))})))
    out = dict(type='FeatureCollection', features=features)
    if source.crs:
        out['crs'] = dict(type='name', properties=dict(name=source.crs))
    return out


def csv_rows(pred, image_path: str, classes: Optional[Sequence[str]] = None) -> List[tuple]:
    return [(image_path, *(round(v, 2) for v in box), class_name(classes, int(label)),
             round(float(score), 4))
            for box, score, label in zip(pred.bboxes.tolist(), pred.scores.tolist(),
                                         pred.labels.tolist())]
