"""The ground truth CocoMetric scores against: pycocotools' COCO of the json, holding
what the dataset keeps (same structure checks, box, mask and keypoint rules:
``plugins.datasets.coco_json``)."""
import contextlib
import io

from mmengine.logging import MMLogger
from pycocotools.coco import COCO

from plugins.datasets.coco_json import checked_box, checked_keypoints, read_coco
from plugins.datasets.coco_masks import checked_segmentation
from plugins.errors import DataError


def ground_truth(ann_file: str, masks: bool = False, keypoints: bool = False) -> COCO:
    """pycocotools' COCO of ``ann_file`` holding the boxes the dataset keeps (same
    structure checks and box rule: ``plugins.datasets.coco_json``): skipped boxes are
    not ground truth, clipped ones are scored clipped, a missing ``area`` is the box's
    and a missing ``iscrowd`` 0. With ``masks``, each kept box needs a valid
    segmentation (the dataset's rule); with ``keypoints``, keypoints (a missing
    ``num_keypoints`` is the count of the visible ones)."""
    data = read_coco(ann_file)
    images = {img['id']: img for img in data['images']}
    kept, dropped, lacking = [], 0, []
    for ann in data['annotations']:
        img = images[ann['image_id']]
        box = checked_box(ann, img, ann_file, log=False)
        if box is None:
            dropped += 1
            continue
        w, h = box[2] - box[0], box[3] - box[1]
        extra = {}
        if masks:
            seg = ann.get('segmentation')
            if seg is not None:
                seg = checked_segmentation(seg, img, f'{ann_file}: annotation {ann.get("id")}',
                                           log=False)
            if seg is None:
                lacking.append(ann.get('id'))
            extra['segmentation'] = seg
        if keypoints:
            if ann.get('keypoints') is None:
                lacking.append(ann.get('id'))
            else:
                kps = checked_keypoints(ann['keypoints'], f'{ann_file}: annotation {ann.get("id")}')
                extra.update(keypoints=kps, num_keypoints=ann.get(
                    'num_keypoints', sum(v > 0 for v in kps[2::3])))
        kept.append(dict(ann, bbox=[box[0], box[1], w, h], area=ann.get('area', w * h),
                         iscrowd=ann.get('iscrowd', 0), **extra,
                         id=len(kept) + 1))  # unique ids, as COCOeval matches by them
    if lacking:
        what = 'segmentation' if masks else 'keypoints'
        raise DataError(f'{ann_file}: {len(lacking)} annotations have no valid {what} '
                        f'(ids {lacking[:5]}): {"segm" if masks else "keypoint"} AP needs it '
                        'for every box')
    if dropped:
        MMLogger.get_current_instance().warning(
            f'{ann_file}: {dropped} invalid boxes are not ground truth (the dataset skips them)')
    coco = COCO()
    coco.dataset = dict(data, annotations=kept)
    with contextlib.redirect_stdout(io.StringIO()):
        coco.createIndex()
    return coco
