using System.Runtime.ExceptionServices;

namespace Centrifuge.Data;

/// <summary>
/// Training batches from background workers through a bounded queue. Batch i is a pure function of (seed, i) — each
/// sample's random choices come from streams derived from (seed, i, b) — so the order and content never depend on
/// thread timing, and a loader started at iteration i (exact resume) yields what a sequential one yields from i.
/// At most <see cref="DataConfig.QueueSize"/> batches are built ahead of the consumer.
/// </summary>
public sealed class BlendLoader : IDisposable
{
    private readonly ClipPool _pool;
    private readonly DataConfig _config;
    private readonly object _gate = new();
    private readonly Dictionary<long, BlendedBatch> _ready = new();
    private readonly List<Thread> _workers = new();
    private long _nextToBuild;
    private long _iteration;
    private ExceptionDispatchInfo? _failure;
    private bool _stopping;

    /// <summary>Starts <see cref="DataConfig.Workers"/> workers producing batches from <paramref name="startIteration"/> on.</summary>
    public BlendLoader(ClipPool pool, DataConfig config, long startIteration = 0)
    {
        config.Validate();
        pool.EnsureUsable("training data");
        _pool = pool;
        _config = config;
        _iteration = _nextToBuild = startIteration;
        for (int i = 0; i < config.Workers; i++)
        {
            var thread = new Thread(Work) { IsBackground = true, Name = $"centrifuge-loader-{i}" };
            _workers.Add(thread);
            thread.Start();
        }
    }

    /// <summary>The iteration of the batch <see cref="Next"/> returns next (save it in a checkpoint to resume).</summary>
    public long Iteration { get { lock (_gate) return _iteration; } }

    /// <summary>Batches built and waiting (at most <see cref="DataConfig.QueueSize"/>).</summary>
    public int Ready { get { lock (_gate) return _ready.Count; } }

    /// <summary>Batch number <paramref name="iteration"/>, built on the calling thread: what the workers produce for it.</summary>
    public static BlendedBatch GetBatch(ClipPool pool, DataConfig config, long iteration)
    {
        var keys = Enumerable.Range(0, config.BatchSize).Select(b => (iteration, (long)b)).ToList();
        return BlendComposer.Compose(pool, config, BlendRecipe.Train, config.Seed, keys) with { Iteration = iteration };
    }

    /// <summary>Batch number <paramref name="iteration"/> of this loader's pool and config, built on the calling thread.</summary>
    public BlendedBatch GetBatch(long iteration) => GetBatch(_pool, _config, iteration);

    /// <summary>The next batch, in iteration order; waits for a worker when none is ready. The caller disposes it.</summary>
    public BlendedBatch Next()
    {
        lock (_gate)
        {
            while (!_ready.ContainsKey(_iteration) && _failure is null) Monitor.Wait(_gate);
            if (!_ready.Remove(_iteration, out BlendedBatch? batch)) _failure!.Throw();
            _iteration++;
            Monitor.PulseAll(_gate);
            return batch!;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _stopping = true;
            Monitor.PulseAll(_gate);
        }
        foreach (Thread t in _workers) t.Join();
        foreach (BlendedBatch b in _ready.Values) b.Dispose();
        _ready.Clear();
    }

    private void Work()
    {
        while (true)
        {
            long iteration;
            lock (_gate)
            {
                while (!_stopping && _failure is null && _nextToBuild >= _iteration + _config.QueueSize) Monitor.Wait(_gate);
                if (_stopping || _failure is not null) return;
                iteration = _nextToBuild++;
            }
            try
            {
                BlendedBatch batch = GetBatch(_pool, _config, iteration);
                lock (_gate)
                {
                    if (_stopping) { batch.Dispose(); return; }
                    _ready[iteration] = batch;
                    Monitor.PulseAll(_gate);
                }
            }
            catch (Exception e)
            {
                lock (_gate)
                {
                    _failure ??= ExceptionDispatchInfo.Capture(e);
                    Monitor.PulseAll(_gate);
                }
                return;
            }
        }
    }
}
