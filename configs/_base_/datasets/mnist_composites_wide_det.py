# The digit composites rendered across a wide scale range (digits of 12-160 px on
# 320 px images, over three octaves):
#   python tools/make_composites.py --out data/mnist_composites_wide --size 320 \
#       --digits 2 5 --min-side 12 --max-side 160
_base_ = './mnist_composites_det.py'
data_root = 'data/mnist_composites_wide/'
train_dataloader = dict(dataset=dict(data_root=data_root))
val_dataloader = dict(dataset=dict(data_root=data_root))
test_dataloader = val_dataloader
