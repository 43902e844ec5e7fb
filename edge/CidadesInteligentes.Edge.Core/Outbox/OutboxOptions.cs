namespace CidadesInteligentes.Edge.Core.Outbox;

/// <summary>Settings of a <see cref="DurableOutbox"/>; validated by the host.</summary>
/// <param name="Directory">Folder that holds this device's segments, ack log and seq high-water mark.</param>
/// <param name="MaxMessages">Unacknowledged messages kept; past it the oldest are dropped.</param>
/// <param name="MaxBytes">Unacknowledged payload bytes kept; past it the oldest are dropped.</param>
/// <param name="FlushInterval">At most one flush round per interval (SD cards wear with every sync); a round fsyncs each file
/// written since the last one, so 0, 1 or 2 files (the active segment, the ack log) and no directory.</param>
/// <param name="SegmentBytes">An append-only segment is closed and a new one started past this size.</param>
/// <param name="SeqReserveBlock">Seqs reserved on disk ahead of use, so a crash never lets one be reused.</param>
public sealed record OutboxOptions(
    string Directory,
    int MaxMessages = 50_000,
    long MaxBytes = 32L * 1024 * 1024,
    TimeSpan? FlushInterval = null,
    long SegmentBytes = 1024 * 1024,
    int SeqReserveBlock = 1000)
{
    public TimeSpan EffectiveFlushInterval => FlushInterval ?? TimeSpan.FromMilliseconds(500);
}
