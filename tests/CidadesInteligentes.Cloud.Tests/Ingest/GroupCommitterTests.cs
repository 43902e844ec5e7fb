using Xunit;
using CidadesInteligentes.Cloud.Ingest;
using CidadesInteligentes.Testing;

namespace CidadesInteligentes.Cloud.Tests.Ingest;

public sealed class GroupCommitterTests
{
    [Fact]
    public async Task Each_submitter_gets_its_own_outcome()
    {
        await using var committer = new GroupCommitter<int, string>(
            (items, _) => Task.FromResult<IReadOnlyList<string>>(items.Select(i => $"stored {i}").ToList()), maxBatch: 100, capacity: 1000);
        var results = await Task.WhenAll(Enumerable.Range(1, 50).Select(i => committer.SubmitAsync(i, CancellationToken.None).AsTask()));
        Assert.Equal(Enumerable.Range(1, 50).Select(i => $"stored {i}"), results);
    }

    [Fact]
    public async Task Items_queued_while_a_commit_runs_go_into_one_next_batch()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sizes = new List<int>();
        await using var committer = new GroupCommitter<int, int>(async (items, _) =>
        {
            lock (sizes) { sizes.Add(items.Count); }
            if (sizes.Count == 1) { await gate.Task; }
            return items.ToList();
        }, maxBatch: 100, capacity: 1000);

        var first = committer.SubmitAsync(0, CancellationToken.None).AsTask();
        await Wait.UntilAsync(() => { lock (sizes) { return sizes.Count == 1; } }, "first commit started");
        var rest = Enumerable.Range(1, 30).Select(i => committer.SubmitAsync(i, CancellationToken.None).AsTask()).ToList();
        await Wait.UntilAsync(() => committer.Queued == 30, "30 items queued behind the running commit");
        gate.SetResult();
        await Task.WhenAll(rest.Append(first));

        // one commit of the first item, then one commit of the 30 that queued behind it
        Assert.Equal([1, 30], sizes);
    }

    [Fact]
    public async Task A_failed_commit_fails_every_item_of_its_batch_and_the_next_batch_still_commits()
    {
        var calls = 0;
        await using var committer = new GroupCommitter<int, int>((items, _) =>
        {
            if (Interlocked.Increment(ref calls) == 1) { throw new IOException("disk full"); }
            return Task.FromResult<IReadOnlyList<int>>(items.ToList());
        }, maxBatch: 10, capacity: 100);

        var failure = await Assert.ThrowsAsync<IOException>(() => committer.SubmitAsync(1, CancellationToken.None).AsTask());
        Assert.Equal("disk full", failure.Message);
        // readiness sees the failed commit until the next one succeeds; the loop itself is fine
        Assert.Same(failure, committer.LastCommitError);
        Assert.Null(committer.LoopProblem);
        Assert.Equal(2, await committer.SubmitAsync(2, CancellationToken.None));
        Assert.Null(committer.LastCommitError);
    }

    [Fact]
    public async Task A_commit_loop_that_faults_says_so_and_fails_its_batch_and_every_later_submit_at_once()
    {
        // an exception the per-batch handler lets through (out of memory) ends the loop
        await using var committer = new GroupCommitter<int, int>((items, _) =>
            items[0] == 2 ? throw new OutOfMemoryException("injected") : Task.FromResult<IReadOnlyList<int>>(items.ToList()), maxBatch: 10, capacity: 100);
        Assert.Equal(1, await committer.SubmitAsync(1, CancellationToken.None));
        Assert.Null(committer.LoopProblem);

        await Assert.ThrowsAsync<OutOfMemoryException>(() => Wait.ForAsync(committer.SubmitAsync(2, CancellationToken.None).AsTask(), "the batch in hand failed"));
        Assert.Equal("commit loop faulted: injected", committer.LoopProblem);
        // nothing waits for a loop that is gone: a later submit fails at once, with the loop's error inside
        var later = await Assert.ThrowsAsync<System.Threading.Channels.ChannelClosedException>(
            () => Wait.ForAsync(committer.SubmitAsync(3, CancellationToken.None).AsTask(), "a later submit failed"));
        Assert.IsType<OutOfMemoryException>(later.InnerException);
    }

    [Fact]
    public async Task A_full_queue_makes_submitters_wait_instead_of_growing()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var committer = new GroupCommitter<int, int>(async (items, _) =>
        {
            started.TrySetResult();
            await gate.Task;
            return items.ToList();
        }, maxBatch: 1, capacity: 2);

        var inCommit = committer.SubmitAsync(0, CancellationToken.None).AsTask();
        await Wait.ForAsync(started.Task, "first commit started");
        var queued = new[] { committer.SubmitAsync(1, CancellationToken.None).AsTask(), committer.SubmitAsync(2, CancellationToken.None).AsTask() };
        var blocked = committer.SubmitAsync(3, CancellationToken.None).AsTask();
        await Wait.UntilAsync(() => committer.Queued == 2, "queue full");
        Assert.False(blocked.IsCompleted);
        Assert.Equal(2, committer.Queued);

        gate.SetResult();
        var all = await Task.WhenAll(queued.Prepend(inCommit).Append(blocked));
        Assert.Equal(new[] { 0, 1, 2, 3 }, all);
    }

    [Fact]
    public async Task Stopping_commits_what_was_already_queued()
    {
        var stored = new List<int>();
        var committer = new GroupCommitter<int, int>((items, _) =>
        {
            lock (stored) { stored.AddRange(items); }
            return Task.FromResult<IReadOnlyList<int>>(items.ToList());
        }, maxBatch: 5, capacity: 100);
        var submitted = Enumerable.Range(1, 20).Select(i => committer.SubmitAsync(i, CancellationToken.None).AsTask()).ToList();
        Assert.Null(committer.LoopProblem);
        await committer.DisposeAsync();
        await Task.WhenAll(submitted);
        Assert.Equal(Enumerable.Range(1, 20), stored.Order());
        Assert.Equal("commit loop stopped", committer.LoopProblem);
    }
}
