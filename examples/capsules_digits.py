"""A small capsule network on scikit-learn's 8×8 digits, trained on CPU (needs the ``nn`` extra).

Two convolutions make 256 primary capsules (16 types of 8 values on a 4×4 grid); a
``CapsuleLayer`` routes them to one 16-value capsule per digit, and the length of a digit's
capsule is its score (margin loss, Sabour et al. 2017). Training images are shifted by up to
one pixel at random. A quarter of the 1797 images, stratified, is held out for the test.

    python examples/capsules_digits.py
"""

import time

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn

from unsup.nn import CapsuleLayer, squash

EPOCHS = 15
BATCH_SIZE = 32
SEED = 0


class DigitCapsNet(nn.Module):
    def __init__(self, routing: str = "su") -> None:
        super().__init__()
        self.conv = nn.Conv2d(1, 64, kernel_size=3, padding=1)
        self.primary = nn.Conv2d(64, 16 * 8, kernel_size=3, stride=2, padding=1)
        self.digits = CapsuleLayer(num_capsule=10, dim_capsule=16, routings=3, share_weights=False,
                                   routing=routing, input_dim_capsule=8, input_num_capsule=16 * 4 * 4)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        h = F.relu(self.conv(images))
        p = self.primary(h)                                        # (batch, 16 * 8, 4, 4)
        p = p.view(p.shape[0], 16, 8, 16).permute(0, 1, 3, 2)     # (batch, type, position, 8)
        u = squash(p.reshape(p.shape[0], -1, 8), eps=0.5)          # 256 primary capsules
        return self.digits(u).norm(dim=-1)                         # capsule lengths: (batch, 10)


def margin_loss(lengths: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    target = F.one_hot(labels, lengths.shape[1]).to(lengths.dtype)
    present = target * F.relu(0.9 - lengths) ** 2
    absent = 0.5 * (1 - target) * F.relu(lengths - 0.1) ** 2
    return (present + absent).sum(1).mean()


def random_shift(images: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """Shift each image by -1, 0 or +1 pixels along each axis, filling with zeros."""
    padded = F.pad(images, (1, 1, 1, 1))
    dy, dx = torch.randint(0, 3, (2, images.shape[0]), generator=generator)
    rows = dy[:, None] + torch.arange(8)[None, :]
    cols = dx[:, None] + torch.arange(8)[None, :]
    index = torch.arange(images.shape[0])[:, None, None]
    return padded[:, 0][index, rows[:, :, None], cols[:, None, :]].unsqueeze(1)


def main() -> None:
    torch.manual_seed(SEED)
    generator = torch.Generator().manual_seed(SEED)
    digits = load_digits()
    x = (digits.images / 16.0).astype(np.float32)[:, None]
    x_train, x_test, y_train, y_test = train_test_split(x, digits.target, test_size=0.25, stratify=digits.target,
                                                        random_state=SEED)
    x_train, x_test = torch.from_numpy(x_train), torch.from_numpy(x_test)
    y_train, y_test = torch.from_numpy(y_train), torch.from_numpy(y_test)

    model = DigitCapsNet()
    optimiser = torch.optim.Adam(model.parameters(), lr=2e-3)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=3e-3, epochs=EPOCHS,
                                                   steps_per_epoch=-(-len(x_train) // BATCH_SIZE))
    wall, cpu = time.perf_counter(), time.process_time()
    for epoch in range(EPOCHS):
        model.train()
        order = torch.randperm(len(x_train), generator=generator)
        total = 0.0
        for start in range(0, len(order), BATCH_SIZE):
            batch = order[start:start + BATCH_SIZE]
            loss = margin_loss(model(random_shift(x_train[batch], generator)), y_train[batch])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            total += loss.item() * len(batch)
        if epoch % 5 == 4 or epoch == EPOCHS - 1:
            print(f"epoch {epoch + 1:2d}: margin loss {total / len(x_train):.4f}")
    model.eval()
    with torch.no_grad():
        accuracy = float((model(x_test).argmax(1) == y_test).float().mean())
    print(f"training: {time.perf_counter() - wall:.1f} s wall, {time.process_time() - cpu:.1f} s CPU "
          f"({torch.get_num_threads()} threads)")
    print(f"test accuracy: {accuracy:.4f}")


if __name__ == "__main__":
    main()
