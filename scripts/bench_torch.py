#!/usr/bin/env python3
"""PyTorch's equivalent of `softmax train` for scripts/bench.mjs: the whole Fashion-MNIST preloaded as
tensors, nn.Linear(784, 10) (model 'softmax') or Linear(784, 256), ReLU, Linear(256, 10) (model 'mlp',
D2L 4.3) with W ~ N(0, 0.01^2), b = 0, cross-entropy, minibatch SGD (batch 256, lr 0.1, the last batch
of 96 kept), reshuffled every epoch. Usage: bench_torch.py DATA_DIR EPOCHS THREADS [softmax|mlp].
Prints one JSON line of figures."""
import gzip, json, os, sys, time

import numpy as np
import torch


def read_idx(path, offset):
    with gzip.open(path, 'rb') as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=offset)


def blas_name():
    config = torch.__config__.show()
    if 'BLAS_INFO=mkl' in config:
        return 'MKL'
    link = '/etc/alternatives/libblas.so.3-x86_64-linux-gnu'
    return 'system libblas.so.3 -> ' + (os.path.realpath(link) if os.path.exists(link) else 'unknown')


def main():
    root, epochs, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    model = sys.argv[4] if len(sys.argv) > 4 else 'softmax'
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    load = lambda name, off: read_idx(os.path.join(root, name), off)
    Xtr = torch.from_numpy(load('train-images-idx3-ubyte.gz', 16).reshape(-1, 784).astype(np.float32) / 255)
    ytr = torch.from_numpy(load('train-labels-idx1-ubyte.gz', 8).astype(np.int64))
    Xte = torch.from_numpy(load('t10k-images-idx3-ubyte.gz', 16).reshape(-1, 784).astype(np.float32) / 255)
    yte = torch.from_numpy(load('t10k-labels-idx1-ubyte.gz', 8).astype(np.int64))
    if model == 'mlp':
        net = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 10))
    else:
        net = torch.nn.Sequential(torch.nn.Linear(784, 10))
    for layer in net:
        if isinstance(layer, torch.nn.Linear):
            torch.nn.init.normal_(layer.weight, std=0.01)
            torch.nn.init.zeros_(layer.bias)
    loss = torch.nn.CrossEntropyLoss(reduction='none')
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    history = []
    for epoch in range(epochs):
        start = time.perf_counter()
        order = torch.randperm(len(Xtr))
        total, correct = 0.0, 0
        for i in range(0, len(order), 256):
            idx = order[i:i + 256]
            X, y = Xtr[idx], ytr[idx]
            y_hat = net(X)
            l = loss(y_hat, y)
            opt.zero_grad()
            l.mean().backward()
            opt.step()
            total += float(l.sum())
            correct += int((y_hat.argmax(1) == y).sum())
        seconds = time.perf_counter() - start
        with torch.no_grad():
            test_acc = float((net(Xte).argmax(1) == yte).float().mean())
        history.append({'epoch': epoch + 1, 'loss': total / len(Xtr), 'trainAcc': correct / len(Xtr),
                        'testAcc': test_acc, 'seconds': seconds})
    print(json.dumps({'torch': torch.__version__, 'threads': torch.get_num_threads(), 'model': model,
                      'blas': blas_name(), 'history': history}))


main()
