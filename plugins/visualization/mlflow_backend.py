"""MLflow logging with a folder as the store, as MMEngine's ``MLflowVisBackend`` sets up.

Without a ``tracking_uri`` MMEngine's backend logs to a file store in the run's
``vis_data`` folder; MLflow 3 refuses file stores unless ``MLFLOW_ALLOW_FILE_STORE`` is
set (its database store needs SQLAlchemy, not in ``mlflow-skinny``). This class, under the
same name in detplug's registry, sets that variable (unless the user set it) before
MLflow starts, and only then: with a ``tracking_uri`` MLflow is set up as MMEngine does.
MMEngine also logs an image under its bare name (``val_OSBS_029``), which MLflow cannot
save without a file extension: here it is ``val_OSBS_029_<step>.png``, the name
``LocalVisBackend`` gives the same image.
"""
import os
import os.path as osp

from mmengine.visualization import MLflowVisBackend as MMEngineMLflowVisBackend

from plugins.registry import VISBACKENDS


@VISBACKENDS.register_module()
class MLflowVisBackend(MMEngineMLflowVisBackend):

    def _init_env(self):
        if self._tracking_uri is None:
            os.environ.setdefault('MLFLOW_ALLOW_FILE_STORE', 'true')
        super()._init_env()

    def add_image(self, name: str, image, step: int = 0, **kwargs) -> None:
        if not osp.splitext(name)[1]:
            name = f'{name}_{step}.png'
        super().add_image(name, image, step, **kwargs)
