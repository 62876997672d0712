from .aspp_head import ASPPHead
from .decode_head import BaseDecodeHead
from .fcn_head import FCNHead
from .fcn_skip_head import FCNSkipHead
from .lraspp_head import LRASPPHead

__all__ = ['ASPPHead', 'BaseDecodeHead', 'FCNHead', 'FCNSkipHead', 'LRASPPHead']
