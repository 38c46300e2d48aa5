"""PyTorch fp32 (TF32 off) reference for `npm run bench`: the same workloads and flags, printed as one JSON document.

Workloads: the five SAE matmuls, a ReLU+L1 SAE step (decoder-norm-weighted penalty, Adam), a dense TopK SAE step
(unit-norm decoder, parallel-gradient removal, Adam), and the logistic probe to convergence running the SAME
algorithm as the product (src/core/probes/logistic.ts trainLogisticProbe with src/core/optim/lbfgs.ts: z-scoring,
split, mean objective, L-BFGS line search and stopping rules, final scoring) at the same --tol as `npm run bench`.
"""
import argparse, json, math, sys, time

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
    """The product's logistic probe (src/core/probes/logistic.ts trainLogisticProbe) in PyTorch, step for step:
    train on the first N - N//8 rows, z-score with the training rows' mean and population std (constant columns
    divided by 1), minimise the mean objective  (1/n) sum_i loss_i + ||W||^2 / (2 C n)  (intercept unpenalised,
    C = 1) with the L-BFGS of src/core/optim/lbfgs.ts (memory 10; first step min(1, 1/max|g|); Armijo 1e-4 with
    safeguarded quadratic backtracking, at most 30 tries; restart on a non-descent direction; curvature pair kept
    when s.y > 1e-10 y.y; stop when max|g| <= tol, or 'precision-floor' after 3 steps with relative decrease
    <= 2^-21), then score train and test rows. Like the product: loss and gradient in fp32 on the GPU, optimiser
    state in fp64. The data follow the same recipe as bench/logistic.ts but from torch's generator."""
    g0 = torch.Generator(device=dev).manual_seed(0)
    X = torch.randn(N, D, device=dev, generator=g0)
    Wt = torch.randn(D, K, device=dev, generator=g0) / D ** 0.5
    z = X @ Wt
    y = (z[:, 0] + 0.5 * torch.randn(N, device=dev, generator=g0) > 0).long() if K == 1 else (z + torch.randn(z.shape, device=dev, generator=g0)).argmax(1)
    torch.cuda.synchronize(); t0 = time.perf_counter()
    n = N - N // 8
    Xtr, ytr, Xte = X[:n], y[:n], X[n:]
    mu = Xtr.double().mean(0); sd = Xtr.double().std(0, unbiased=False)
    sd = torch.where(sd > 0, sd, torch.ones_like(sd))
    Xtr = ((Xtr.double() - mu) / sd).float(); Xte = ((Xte.double() - mu) / sd).float()
    C, nW = 1.0, D * K
    pen = 1.0 / (C * n)
    yf = ytr.float()
    evals = 0
    def fg(theta):  # fp32 loss sum and gradient on the GPU, penalty and mean in fp64 (as evaluateMean does)
        nonlocal evals
        evals += 1
        w = theta.float()
        W, b = w[:nW].view(D, K), w[nW:]
        s = Xtr @ W + b
        if K == 1:
            loss = torch.nn.functional.binary_cross_entropy_with_logits(s[:, 0], yf, reduction='sum')
            r = (torch.sigmoid(s[:, 0]) - yf)[:, None]
        else:
            loss = torch.nn.functional.cross_entropy(s, ytr, reduction='sum')
            r = torch.softmax(s, 1); r[torch.arange(n, device=dev), ytr] -= 1
        grad = torch.cat([(Xtr.t() @ r).reshape(-1), r.sum(0)]).double() / n
        grad[:nW] += pen * theta[:nW]
        return loss.item() / n + 0.5 * pen * (theta[:nW] @ theta[:nW]).item(), grad
    x = torch.zeros(nW + K, device=dev, dtype=torch.float64)
    f, g = fg(x)
    S, Y, rho = [], [], []
    flat, it, reason = 0, 0, 'max-iter'
    for it in range(1, max_iter + 1):
        if g.abs().max().item() <= tol: it -= 1; reason = 'converged'; break
        q = g.clone(); al = [0.0] * len(S)
        for i in range(len(S) - 1, -1, -1):
            al[i] = rho[i] * (S[i] @ q).item(); q -= al[i] * Y[i]
        if S: q *= (S[-1] @ Y[-1]).item() / (Y[-1] @ Y[-1]).item()
        for i in range(len(S)):
            beta = rho[i] * (Y[i] @ q).item(); q += S[i] * (al[i] - beta)
        d = -q
        slope = (g @ d).item()
        if not slope < 0:
            S, Y, rho = [], [], []; d = -g; slope = (g @ d).item()
        t = min(1.0, 1.0 / max(g.abs().max().item(), 1e-12)) if not S else 1.0
        acc = None
        for _ in range(30):
            xt = x + t * d
            ft, gt = fg(xt)
            if math.isfinite(ft) and ft <= f + 1e-4 * t * slope: acc = (xt, ft, gt); break
            den = 2 * (ft - f - slope * t)  # > 0 whenever the Armijo test failed; JS would give +Infinity at 0
            tq = ((-slope * t * t) / den if den != 0 else math.inf) if math.isfinite(ft) else t * 0.1
            t = min(0.5 * t, max(0.1 * t, tq))
        if acc is None: it -= 1; reason = 'precision-floor'; break
        s, yv = acc[0] - x, acc[2] - g
        sy = (s @ yv).item()
        if sy > 1e-10 * (yv @ yv).item():
            S.append(s); Y.append(yv); rho.append(1 / sy)
            if len(S) > 10: S.pop(0); Y.pop(0); rho.pop(0)
        dec = (f - acc[1]) / max(abs(f), abs(acc[1]), 1)
        flat = flat + 1 if dec <= 2 ** -21 else 0
        x, f, g = acc
        if g.abs().max().item() <= tol: reason = 'converged'; break
        if flat >= 3: reason = 'precision-floor'; break
    w = x.float()
    W, b = w[:nW].view(D, K), w[nW:]
    train_scores, test_scores = Xtr @ W + b, Xte @ W + b  # the product's final train/test metrics pass
    pred = (test_scores[:, 0] > 0).long() if K == 1 else test_scores.argmax(1)
    acc_test = (pred == y[n:]).float().mean().item(); train_scores.sum().item()
    torch.cuda.synchronize(); ms = (time.perf_counter() - t0) * 1e3
    return {'N': N, 'd': D, 'classes': max(2, K), 'tol': tol, 'ms': round(ms, 2), 'iterations': it, 'evaluations': evals,
            'reason': reason, 'loss': round(f, 6), 'gradMax': g.abs().max().item(), 'testAccuracy': round(acc_test, 4),
            'method': 'trainLogisticProbe mirrored: z-score, L-BFGS of src/core/optim/lbfgs.ts, fp32 evaluations, fp64 state'}

if __name__ == '__main__':
    main()
