"""COCO box AP with pycocotools: AP, AP50, AP75, AP_s/m/l, AR@100 and per-class AP;
with ``iou_types=('bbox', 'segm')`` the same figures for the masks too (``segm_AP``, ...),
with ``'keypoints'`` COCO's OKS figures of the keypoints (``keypoints_AP``, ...);
or, for proposals, class-agnostic average recall AR@n (IoU 0.5:0.95) for each n."""
import contextlib
import io
import json
from typing import List, Optional, Sequence

import numpy as np
from mmengine.evaluator import BaseMetric
from mmengine.logging import MMLogger
from pycocotools.cocoeval import COCOeval

from plugins.errors import ConfigError
from plugins.evaluation.coco_ground_truth import ground_truth
from plugins.registry import METRICS
from plugins.structures.masks import encode_rle
from plugins.utils.fileio import atomic_write

STAT_NAMES = ('AP', 'AP50', 'AP75', 'AP_small', 'AP_medium', 'AP_large',
              'AR_1', 'AR_10', 'AR_100', 'AR_small', 'AR_medium', 'AR_large')
KEYPOINT_STAT_NAMES = ('AP', 'AP50', 'AP75', 'AP_medium', 'AP_large',  # 20 detections
                       'AR', 'AR50', 'AR75', 'AR_medium', 'AR_large')
IOU_TYPES = ('bbox', 'segm', 'keypoints')


@METRICS.register_module()
class CocoMetric(BaseMetric):
    """Args:
        ann_file: the COCO json holding the ground truth of the evaluated images; None
            (the default): the json of the dataset it scores (``dataset_meta['ann_file']``,
            set by ``CocoDetDataset``), so a config never names the data twice.
        classwise: also log a per-class AP table.
        max_dets: detections per image counted (COCO's 100 by default).
        outfile: if set, the raw detections are written there as COCO results json
            (for an RPN: a proposal file, a dataset's ``proposal_file``).
        proposal_nums: evaluate proposals instead: AR@n for each n, classes ignored.
        iou_types: ``('bbox',)``, or ``('bbox', 'segm')`` for a model that predicts
            masks (their figures are named ``segm_AP``, ...; the outfile holds RLE),
            ``('bbox', 'keypoints')`` for keypoints (``keypoints_AP``, ...; OKS).
    """
    default_prefix = 'coco'

    def __init__(self, ann_file: Optional[str] = None, classwise: bool = True, max_dets: int = 100,
                 outfile: Optional[str] = None, proposal_nums: Optional[Sequence[int]] = None,
                 iou_types: Sequence[str] = ('bbox',), collect_device: str = 'cpu',
                 prefix: Optional[str] = None):
        super().__init__(collect_device=collect_device, prefix=prefix)
        if not iou_types or any(t not in IOU_TYPES for t in iou_types):
            raise ConfigError(f'CocoMetric iou_types must be among {IOU_TYPES}; got '
                              f'{tuple(iou_types)}')
        self.iou_types = tuple(iou_types)
        self.ann_file, self._coco = ann_file, None
        if ann_file is not None:  # a bad file is an error when the metric is built
            self._coco = self._ground_truth(ann_file)
        self.classwise, self.max_dets, self.outfile = classwise, max_dets, outfile
        self.proposal_nums = list(proposal_nums) if proposal_nums else None

    def _ground_truth(self, ann_file: str):
        return ground_truth(ann_file, masks='segm' in self.iou_types,
                            keypoints='keypoints' in self.iou_types)

    @property
    def coco(self):
        """pycocotools' COCO of the ground truth (the dataset's json unless ``ann_file``)."""
        if self._coco is None:
            ann_file = (self.dataset_meta or {}).get('ann_file')
            if ann_file is None:
                raise ConfigError('CocoMetric has no ann_file and its dataset names no json '
                                  "(dataset_meta['ann_file']): set the evaluator's ann_file")
            self._coco = self._ground_truth(ann_file)
        return self._coco

    @property
    def cat_ids(self) -> List[int]:
        return sorted(self.coco.getCatIds())

    def process(self, data_batch, data_samples: Sequence) -> None:
        # exactly one entry per image: MMEngine keeps the first len(dataset) entries
        for sample in data_samples:
            pred = sample['pred_instances']
            result = dict(img_id=sample['img_id'], bboxes=pred['bboxes'].cpu().numpy(),
                          scores=pred['scores'].cpu().numpy(), labels=pred['labels'].cpu().numpy())
            for iou_type, key in (('segm', 'masks'), ('keypoints', 'keypoints')):
                if iou_type in self.iou_types and key not in pred:
                    raise ConfigError(f"CocoMetric iou_types has '{iou_type}' but the model "
                                      f'predicts no {key}')
            if 'segm' in self.iou_types:
                result['masks'] = encode_rle(pred['masks'])  # compact from here on
            if 'keypoints' in self.iou_types:
                result['keypoints'] = pred['keypoints'].cpu().numpy()
            self.results.append(result)

    def label_cat_ids(self) -> List[int]:
        """Category id of each label: the dataset's classes by name (a config may select
        and order the json's categories), else the json's ids in sorted order."""
        names = (self.dataset_meta or {}).get('classes')
        by_name = {c['name']: c['id'] for c in self.coco.loadCats(self.cat_ids)}
        if names and all(n in by_name for n in names):
            return [by_name[n] for n in names]
        return self.cat_ids

    def compute_metrics(self, results: List[dict]) -> dict:
        logger = MMLogger.get_current_instance()
        img_ids = sorted({r['img_id'] for r in results})
        cat_ids = self.label_cat_ids()
        dets = [dict(image_id=r['img_id'], category_id=cat_ids[lab],
                     bbox=[x1, y1, x2 - x1, y2 - y1], score=score,
                     **(dict(segmentation=r['masks'][i]) if 'masks' in r else {}),
                     **(dict(keypoints=r['keypoints'][i].reshape(-1).tolist())
                        if 'keypoints' in r else {}))
                for r in results
                for i, ((x1, y1, x2, y2), score, lab) in enumerate(zip(
                    r['bboxes'].tolist(), r['scores'].tolist(), r['labels'].tolist()))]
        if self.outfile:
            atomic_write(json.dumps(dets).encode(), self.outfile)
            logger.info(f'detections written to {self.outfile}')
        names = [f'AR@{n}' for n in self.proposal_nums] if self.proposal_nums else STAT_NAMES
        if not self.coco.getAnnIds(imgIds=img_ids):
            logger.warning(f'the {len(img_ids)} evaluated images have no ground-truth box: '
                           'COCO reports -1 for every figure, which measures nothing')
        if not dets:
            logger.warning('no detections at all: every COCO figure is 0')
            return {name: 0.0 for name in names}
        if self.proposal_nums:
            return self._proposal_recall(self._evaluate(dets, img_ids, self.proposal_nums, False),
                                         names)
        metrics = {}
        for iou_type in self.iou_types:
            kps = iou_type == 'keypoints'
            evaluator = self._evaluate(dets, img_ids, [20] if kps else [1, 10, self.max_dets],
                                       True, cat_ids, iou_type)
            with contextlib.redirect_stdout(io.StringIO()) as out:
                evaluator.summarize()
            logger.info(f'{iou_type}:\n' + out.getvalue())
            start = '' if iou_type == 'bbox' else f'{iou_type}_'
            metrics.update({start + name: round(float(v), 4) for name, v in zip(
                KEYPOINT_STAT_NAMES if kps else STAT_NAMES, evaluator.stats)})
            if self.classwise:
                logger.info('\n' + self._class_table(evaluator))
        return metrics

    def _evaluate(self, dets, img_ids, max_dets, use_cats: bool, cat_ids=None,
                  iou_type: str = 'bbox') -> COCOeval:
        """pycocotools' evaluate + accumulate, its printing silenced. For masks the
        boxes are left out, so that a detection's area is its mask's."""
        if iou_type == 'segm':
            dets = [{k: v for k, v in d.items() if k != 'bbox'} for d in dets]
        with contextlib.redirect_stdout(io.StringIO()):
            evaluator = COCOeval(self.coco, self.coco.loadRes(dets), iou_type)
            evaluator.params.imgIds = img_ids
            if cat_ids:
                evaluator.params.catIds = list(cat_ids)
            evaluator.params.maxDets = list(max_dets)
            evaluator.params.useCats = int(use_cats)
            evaluator.evaluate()
            evaluator.accumulate()
        return evaluator

    def _proposal_recall(self, evaluator: COCOeval, names) -> dict:
        recall = evaluator.eval['recall'][:, 0, 0, :]  # (iou thresholds, max dets), area all
        metrics = {name: round(float(np.mean(r[r > -1])) if (r > -1).any() else 0.0, 4)
                   for name, r in zip(names, recall.T)}
        MMLogger.get_current_instance().info(
            'proposal recall (IoU 0.5:0.95): '
            + '  '.join(f'{k}={v:.4f}' for k, v in metrics.items()))
        return metrics

    def _class_table(self, evaluator: COCOeval) -> str:
        # precision: (iou thresholds, recall points, classes, areas, max dets)
        precision = evaluator.eval['precision']
        rows = ['class            AP     AP50']
        for k, cat_id in enumerate(evaluator.params.catIds):  # pycocotools sorts them
            def ap(p):
                p = p[p > -1]
                return float(np.mean(p)) if p.size else float('nan')
            name = self.coco.cats[int(cat_id)]['name']
            rows.append(f'{name:<14} {ap(precision[:, :, k, 0, -1]):6.3f} '
                        f'{ap(precision[0, :, k, 0, -1]):6.3f}')
        return '\n'.join(rows)
