namespace CidadesInteligentes.Mqtt.Client;

internal static class WaitHandleExtensions
{
    public static Task WaitOneAsync(this WaitHandle handle, CancellationToken ct)
    {
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var registration = ThreadPool.RegisterWaitForSingleObject(handle, (_, _) => tcs.TrySetResult(), null, Timeout.Infinite, executeOnlyOnce: true);
        var ctr = ct.Register(() => tcs.TrySetCanceled(ct));
        _ = tcs.Task.ContinueWith(_ =>
        {
            registration.Unregister(null);
            ctr.Dispose();
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return tcs.Task;
    }
}
