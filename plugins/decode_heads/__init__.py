from .aspp_head import ASPPHead
from .decode_head import BaseDecodeHead
from .fcn_head import FCNHead
from .fcn_skip_head import FCNSkipHead

__all__ = ['ASPPHead', 'BaseDecodeHead', 'FCNHead', 'FCNSkipHead']
