"""PyTorch fp32 (TF32 off) reference for `npm run bench`: the same workloads and flags, printed as one JSON document.

Workloads: the five SAE matmuls, a ReLU+L1 SAE step (decoder-norm-weighted penalty, Adam), a dense TopK SAE step
(unit-norm decoder, parallel-gradient removal, Adam), and a logistic probe fitted to convergence with the same
L-BFGS as bench/logistic.ts (memory 10, Armijo backtracking, stop when max|grad| <= tol).
"""
import argparse, json, sys, time

def parse():
    p = argparse.ArgumentParser()
    for k, v in dict(B=256, d=64, m=512, k=8, N=2048, classes=1, steps=3, maxIter=100).items():
        p.add_argument(f'--{k}', type=int, default=v)
    p.add_argument('--tol', type=float, default=1e-4)
    p.add_argument('--logD', type=str, default='64')
    p.add_argument('--sections', type=str, default='matmul,relu,topk,logistic')
    a, _ = p.parse_known_args()
    return a

def main():
    a = parse()
    try:
        import torch
    except ImportError:
        print(json.dumps({'torch': None, 'reason': 'torch not importable'}))
        return
    if not torch.cuda.is_available():
        print(json.dumps({'torch': torch.__version__, 'reason': 'no CUDA device'}))
        return
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    dev = 'cuda'
    sec = a.sections.split(',')
    out = {'torch': torch.__version__, 'device': torch.cuda.get_device_name(0), 'tf32': False, 'args': vars(a)}
    B, d, m, k = a.B, a.d, a.m, a.k

    def timed(fn, reps, warm=3):
        for _ in range(warm): fn()
        torch.cuda.synchronize(); t0 = time.perf_counter()
        while time.perf_counter() - t0 < 0.5: fn(); torch.cuda.synchronize()  # clocks up
        torch.cuda.synchronize(); t0 = time.perf_counter()
        for _ in range(reps): fn()
        torch.cuda.synchronize()
        return (time.perf_counter() - t0) / reps * 1e3

    if 'matmul' in sec:
        shapes = {'enc NN': (B, d, m, False, False), 'dec NN': (B, m, d, False, False), 'gW_dec TN': (m, B, d, True, False),
                  'g_pre NT': (B, d, m, False, True), 'gW_enc TN': (d, B, m, True, False)}
        mm = {}
        for name, (M, K, N, ta, tb) in shapes.items():
            A = torch.randn(K, M, device=dev).t() if ta else torch.randn(M, K, device=dev)
            Bm = torch.randn(N, K, device=dev).t() if tb else torch.randn(K, N, device=dev)
            ms = timed(lambda: A @ Bm, a.steps * 3)
            mm[name] = {'ms': round(ms, 4), 'gflops': round(2 * M * N * K / ms / 1e6, 1)}
        out['matmul'] = mm

    def sae_params(unit):
        Wdec = torch.randn(m, d, device=dev)
        Wdec = Wdec / Wdec.norm(dim=1, keepdim=True) * (1.0 if unit else 0.1)
        Wenc = torch.nn.Parameter(Wdec.t().clone()); Wdec = torch.nn.Parameter(Wdec)
        return Wenc, torch.nn.Parameter(torch.zeros(m, device=dev)), Wdec, torch.nn.Parameter(torch.zeros(d, device=dev))

    x = torch.randn(B, d, device=dev)
    if 'relu' in sec:
        Wenc, benc, Wdec, bdec = sae_params(False)
        opt = torch.optim.Adam([Wenc, benc, Wdec, bdec], lr=1e-4)
        def step():
            opt.zero_grad(set_to_none=True)
            f = torch.relu((x - bdec) @ Wenc + benc); xh = f @ Wdec + bdec
            loss = ((xh - x) ** 2).sum(1).mean() + 5 * (f * Wdec.norm(dim=1)).sum(1).mean()
            loss.backward(); opt.step()
        ms = timed(step, a.steps)
        out['reluSae'] = {'msPerStep': round(ms, 4), 'samplesPerSec': round(B * 1e3 / ms, 1)}

    if 'topk' in sec:
        Wenc, benc, Wdec, bdec = sae_params(True)
        opt = torch.optim.Adam([Wenc, benc, Wdec, bdec], lr=1e-4)
        def step():
            opt.zero_grad(set_to_none=True)
            pre = torch.relu((x - bdec) @ Wenc + benc)
            v, i = pre.topk(k, dim=1, sorted=False)
            f = torch.zeros_like(pre).scatter_(1, i, v)
            xh = f @ Wdec + bdec
            loss = ((xh - x) ** 2).sum(1).mean()
            loss.backward()
            with torch.no_grad():  # sparsify / OpenAI: remove the gradient parallel to each unit decoder row
                Wdec.grad -= (Wdec.grad * Wdec).sum(1, keepdim=True) * Wdec
            opt.step()
            with torch.no_grad(): Wdec.div_(Wdec.norm(dim=1, keepdim=True))
        ms = timed(step, a.steps)
        out['topkSaeDense'] = {'k': k, 'msPerStep': round(ms, 4), 'samplesPerSec': round(B * 1e3 / ms, 1)}

    if 'logistic' in sec:
        out['logistic'] = [logistic(torch, dev, a.N, int(D), a.classes, a.tol, a.maxIter) for D in a.logD.split(',')]
    print(json.dumps(out))

def logistic(torch, dev, N, D, K, tol, max_iter):
    g = torch.Generator(device=dev).manual_seed(0)
    X = torch.randn(N, D, device=dev, generator=g)
    Wt = torch.randn(D, max(K, 1), device=dev, generator=g) / D ** 0.5
    z = X @ Wt
    y = (z[:, 0] + 0.5 * torch.randn(N, device=dev, generator=g) > 0).float() if K == 1 else (z + torch.randn(z.shape, device=dev, generator=g)).argmax(1)
    C = 1.0
    def fg(w):  # mean loss + ‖W‖²/(2CN), the scikit-learn objective divided by N (intercept unpenalized)
        w = w.detach().requires_grad_(True)
        W, b = w[:D * K].view(D, K), w[D * K:]
        s = X @ W + b
        if K == 1: loss = torch.nn.functional.binary_cross_entropy_with_logits(s[:, 0], y, reduction='sum')
        else: loss = torch.nn.functional.cross_entropy(s, y, reduction='sum')
        f = loss / N + (W ** 2).sum() / (2 * C * N)
        f.backward()
        return f.detach(), w.grad.detach()
    torch.cuda.synchronize(); t0 = time.perf_counter()
    w = torch.zeros(D * K + K, device=dev)
    f, gr = fg(w); evals = 1
    S, Y = [], []
    it = 0; converged = False
    while it < max_iter:
        if gr.abs().max().item() <= tol: converged = True; break
        q = gr.clone(); al = []
        for s, yv in reversed(list(zip(S, Y))):
            r = 1.0 / (yv @ s); al.append(r * (s @ q)); q -= al[-1] * yv
        if S: q *= (S[-1] @ Y[-1]) / (Y[-1] @ Y[-1])
        for (s, yv), aa in zip(zip(S, Y), reversed(al)):
            r = 1.0 / (yv @ s); q += s * (aa - r * (yv @ q))
        p = -q
        gtp = (gr @ p).item()
        t = 1.0 if S else min(1.0, 1.0 / gr.abs().sum().item())
        while True:
            fn, gn = fg(w + t * p); evals += 1
            if fn.item() <= f.item() + 1e-4 * t * gtp or t < 1e-10: break
            t *= 0.5
        s = t * p; yv = gn - gr
        if (yv @ s).item() > 1e-10:
            S.append(s); Y.append(yv)
            if len(S) > 10: S.pop(0); Y.pop(0)
        w = w + s; f, gr = fn, gn; it += 1
    torch.cuda.synchronize(); ms = (time.perf_counter() - t0) * 1e3
    return {'N': N, 'd': D, 'classes': K, 'ms': round(ms, 2), 'iterations': it, 'evaluations': evals, 'converged': converged, 'loss': round(f.item(), 6), 'maxGrad': gr.abs().max().item()}

if __name__ == '__main__':
    main()
