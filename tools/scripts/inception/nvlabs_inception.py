"""NVlabs' FID Inception, rebuilt for tests: same architecture, same forward, random weights.

Architecture: the TF inception-2015-12-05 graph as pytorch-fid's FIDInceptionA/C/E_1/E_2 blocks
(torchvision Inception3 with avg pools that exclude padding and a max pool in the last E block).
Forward: the TorchScript `inception-2015-12-05.pt` that stylegan2-ada-pytorch's metrics load
(uint8-range NCHW input of any size, resized to 299 by affine_grid + grid_sample with border padding,
then (x - 128) / 128, `layers`, reshape to N x 2048 pool3 features).
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Conv(nn.Module):
    def __init__(self, cin, cout, kernel, stride=1, padding=0):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, kernel, stride=stride, padding=padding, bias=False)
        self.bn = nn.BatchNorm2d(cout, eps=0.001)

    def forward(self, x):
        return F.relu(self.bn(self.conv(x)))


def avg3(x):
    return F.avg_pool2d(x, 3, stride=1, padding=1, count_include_pad=False)


class BlockA(nn.Module):
    def __init__(self, cin, pool):
        super().__init__()
        self.b1 = Conv(cin, 64, 1)
        self.b5 = nn.Sequential(Conv(cin, 48, 1), Conv(48, 64, 5, padding=2))
        self.b3 = nn.Sequential(Conv(cin, 64, 1), Conv(64, 96, 3, padding=1), Conv(96, 96, 3, padding=1))
        self.bp = Conv(cin, pool, 1)

    def forward(self, x):
        return torch.cat([self.b1(x), self.b5(x), self.b3(x), self.bp(avg3(x))], 1)


class BlockB(nn.Module):
    def __init__(self, cin):
        super().__init__()
        self.b3 = Conv(cin, 384, 3, stride=2)
        self.bd = nn.Sequential(Conv(cin, 64, 1), Conv(64, 96, 3, padding=1), Conv(96, 96, 3, stride=2))

    def forward(self, x):
        return torch.cat([self.b3(x), self.bd(x), F.max_pool2d(x, 3, stride=2)], 1)


def conv17(cin, cout):
    return Conv(cin, cout, (1, 7), padding=(0, 3))


def conv71(cin, cout):
    return Conv(cin, cout, (7, 1), padding=(3, 0))


class BlockC(nn.Module):
    def __init__(self, cin, c7):
        super().__init__()
        self.b1 = Conv(cin, 192, 1)
        self.b7 = nn.Sequential(Conv(cin, c7, 1), conv17(c7, c7), conv71(c7, 192))
        self.bd = nn.Sequential(
            Conv(cin, c7, 1), conv71(c7, c7), conv17(c7, c7), conv71(c7, c7), conv17(c7, 192)
        )
        self.bp = Conv(cin, 192, 1)

    def forward(self, x):
        return torch.cat([self.b1(x), self.b7(x), self.bd(x), self.bp(avg3(x))], 1)


class BlockD(nn.Module):
    def __init__(self, cin):
        super().__init__()
        self.b3 = nn.Sequential(Conv(cin, 192, 1), Conv(192, 320, 3, stride=2))
        self.b7 = nn.Sequential(Conv(cin, 192, 1), conv17(192, 192), conv71(192, 192), Conv(192, 192, 3, stride=2))

    def forward(self, x):
        return torch.cat([self.b3(x), self.b7(x), F.max_pool2d(x, 3, stride=2)], 1)


class BlockE(nn.Module):
    def __init__(self, cin, max_pool: bool):
        super().__init__()
        self.max_pool = max_pool
        self.b1 = Conv(cin, 320, 1)
        self.b3 = Conv(cin, 384, 1)
        self.b3a = Conv(384, 384, (1, 3), padding=(0, 1))
        self.b3b = Conv(384, 384, (3, 1), padding=(1, 0))
        self.bd = nn.Sequential(Conv(cin, 448, 1), Conv(448, 384, 3, padding=1))
        self.bda = Conv(384, 384, (1, 3), padding=(0, 1))
        self.bdb = Conv(384, 384, (3, 1), padding=(1, 0))
        self.bp = Conv(cin, 192, 1)

    def forward(self, x):
        b3 = self.b3(x)
        bd = self.bd(x)
        pooled = F.max_pool2d(x, 3, stride=1, padding=1) if self.max_pool else avg3(x)
        return torch.cat(
            [self.b1(x), self.b3a(b3), self.b3b(b3), self.bda(bd), self.bdb(bd), self.bp(pooled)], 1
        )


class NvlabsStyleInception(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.Sequential(
            Conv(3, 32, 3, stride=2), Conv(32, 32, 3), Conv(32, 64, 3, padding=1), nn.MaxPool2d(3, 2),
            Conv(64, 80, 1), Conv(80, 192, 3), nn.MaxPool2d(3, 2),
            BlockA(192, 32), BlockA(256, 64), BlockA(288, 64), BlockB(288),
            BlockC(768, 128), BlockC(768, 160), BlockC(768, 160), BlockC(768, 192), BlockD(768),
            BlockE(1280, False), BlockE(2048, True), nn.AvgPool2d(8),
        )
        self.output = nn.Linear(2048, 1008)

    def forward(self, img: torch.Tensor, return_features: bool = False) -> torch.Tensor:
        batch_size, channels, height, width = img.shape
        x = img.to(torch.float32)
        theta = torch.eye(2, 3)
        theta[0, 2] += theta[0, 0] / width - theta[0, 0] / 299
        theta[1, 2] += theta[1, 1] / height - theta[1, 1] / 299
        theta = theta.unsqueeze(0).repeat([batch_size, 1, 1])
        grid = F.affine_grid(theta, [batch_size, channels, 299, 299], align_corners=False)
        x = F.grid_sample(x, grid, mode="bilinear", padding_mode="border", align_corners=False)
        features = self.layers((x - 128) / 128).reshape(-1, 2048)
        if return_features:
            return features
        return F.softmax(self.output(features), dim=1)


def random_inception(seed: int) -> NvlabsStyleInception:
    """He-initialised convs and random BN statistics keep activations O(1) through all 94 layers."""
    torch.manual_seed(seed)
    net = NvlabsStyleInception().eval()
    for m in net.modules():
        if isinstance(m, nn.Conv2d):
            nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
        elif isinstance(m, nn.BatchNorm2d):
            m.running_mean.uniform_(-0.1, 0.1)
            m.running_var.uniform_(0.5, 1.5)
            m.weight.data.uniform_(0.5, 1.5)
            m.bias.data.uniform_(-0.1, 0.1)
    return net
