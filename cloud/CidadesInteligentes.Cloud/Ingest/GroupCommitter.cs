using System.Threading.Channels;

namespace CidadesInteligentes.Cloud.Ingest;

/// <summary>
/// Group commit: callers submit one item each and await its outcome; a single loop takes whatever is queued (up to
/// <c>maxBatch</c>) and commits it in one call. Under light load a batch is one item and adds no delay; under heavy
/// load batches grow by themselves. The queue is bounded, so a flood makes submitters wait (backpressure that reaches
/// the MQTT client through the withheld PUBACK) instead of growing memory.
/// Outcomes are handed back on the commit loop itself (no thread-pool hop per message): what a submitter does
/// after its await — counting, the fleet view, queueing the PUBACK — runs there, so it must never block.
/// </summary>
internal sealed class GroupCommitter<TItem, TResult> : IAsyncDisposable
{
    private readonly Channel<Pending> _queue;
    private readonly Func<IReadOnlyList<TItem>, CancellationToken, Task<IReadOnlyList<TResult>>> _commit;
    private readonly int _maxBatch;
    private readonly Task _loop;
    private readonly CancellationTokenSource _stop = new();
    private Exception? _fault;
    private Exception? _lastCommitError;

    public GroupCommitter(Func<IReadOnlyList<TItem>, CancellationToken, Task<IReadOnlyList<TResult>>> commit, int maxBatch, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _commit = commit;
        _maxBatch = maxBatch;
        _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Batches committed so far.</summary>
    public long Batches { get; private set; }

    /// <summary>Items waiting for a commit.</summary>
    public int Queued => _queue.Reader.Count;

    /// <summary>Null while the commit loop runs; otherwise why nothing more is committed (the loop faulted or was stopped).</summary>
    public string? LoopProblem
    {
        get
        {
            if (Volatile.Read(ref _fault) is { } fault)
            {
                return "commit loop faulted: " + fault.Message;
            }
            return _loop.IsCompleted ? "commit loop stopped" : null;
        }
    }

    /// <summary>The error of the latest commit when it failed; null again once a commit succeeds.</summary>
    public Exception? LastCommitError => Volatile.Read(ref _lastCommitError);

    /// <summary>Queues <paramref name="item"/> and completes when the batch holding it is committed.</summary>
    public ValueTask<TResult> SubmitAsync(TItem item, CancellationToken ct)
    {
        var pending = new Pending(item);
        // the queue has room (the usual case): no async step of its own, the caller awaits the outcome directly
        if (!ct.IsCancellationRequested && _queue.Writer.TryWrite(pending))
        {
            return new ValueTask<TResult>(ct.CanBeCanceled ? pending.Task.WaitAsync(ct) : pending.Task);
        }
        return SubmitSlowAsync(pending, ct);
    }

    /// <summary>The queue is full (or closed): wait for room, as a flood's backpressure.</summary>
    private async ValueTask<TResult> SubmitSlowAsync(Pending pending, CancellationToken ct)
    {
        await _queue.Writer.WriteAsync(pending, ct).ConfigureAwait(false);
        return await pending.Task.WaitAsync(ct).ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        var batch = new List<Pending>(_maxBatch);
        var items = new List<TItem>(_maxBatch);
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(_stop.Token).ConfigureAwait(false))
            {
                batch.Clear();
                items.Clear();
                while (batch.Count < _maxBatch && reader.TryRead(out var p))
                {
                    batch.Add(p);
                    items.Add(p.Item);
                }
                if (batch.Count == 0)
                {
                    continue;
                }
                await CommitAsync(batch, items).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // shutting down: whatever is still queued is failed below, so no caller waits forever.
        }
        catch (Exception e)
        {
            // the loop cannot go on (e.g. out of memory inside a commit): readiness says so, the batch in hand and every
            // later submit fail at once (not acknowledged, so resent) instead of waiting for a loop that is gone
            Volatile.Write(ref _fault, e);
            _queue.Writer.TryComplete(e);
            foreach (var p in batch)
            {
                p.TrySetException(e);
            }
        }
        while (reader.TryRead(out var left))
        {
            left.TrySetException(_fault is { } fault
                ? new InvalidOperationException("The ingestor's commit loop faulted before this message was stored; it was not acknowledged and the device will resend it.", fault)
                : new ObjectDisposedException(nameof(GroupCommitter<TItem, TResult>), "The ingestor stopped before this message was stored; it was not acknowledged and the device will resend it."));
        }
    }

    private async Task CommitAsync(List<Pending> batch, List<TItem> items)
    {
        try
        {
            var results = await _commit(items, _stop.Token).ConfigureAwait(false);
            if (results.Count != batch.Count)
            {
                throw new InvalidOperationException($"The store returned {results.Count} outcomes for a batch of {batch.Count}.");
            }
            Batches++;
            Volatile.Write(ref _lastCommitError, null);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].TrySetResult(results[i]);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Nothing of this batch is acknowledged: the devices keep the messages and resend them.
            Volatile.Write(ref _lastCommitError, ex);
            foreach (var p in batch)
            {
                p.TrySetException(ex);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Commit what is already queued (graceful stop), but never hang a shutdown on a stuck store.
        _queue.Writer.TryComplete();
        if (await Task.WhenAny(_loop, Task.Delay(TimeSpan.FromSeconds(10))).ConfigureAwait(false) != _loop)
        {
            await _stop.CancelAsync().ConfigureAwait(false);
        }
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }

    /// <summary>A queued item and its outcome (one object per message).</summary>
    private sealed class Pending(TItem item) : TaskCompletionSource<TResult>
    {
        public TItem Item { get; } = item;
    }
}
