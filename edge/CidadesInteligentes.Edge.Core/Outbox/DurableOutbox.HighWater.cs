namespace CidadesInteligentes.Edge.Core.Outbox;

// A damaged or missing seq.hwm: the reserved ceilings are what keeps a seq from being used twice (the cloud would
// drop the new message as a duplicate), so when they are lost numbering skips ahead past any seq the device used.
public sealed partial class DurableOutbox
{
    /// <summary>Added to the largest seq or id still on the card when the skip cannot trust the clock.</summary>
    private const long SkipMargin = 1_000_000_000;

    private static readonly DateTimeOffset SkipEpoch = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// Runs once the segments and the ack log were read. Ceilings proven by an intact copy of the file are kept (and
    /// the file written whole again); ceilings lost with the file (damaged beyond both copies, or deleted while the
    /// outbox has files) are replaced by a floor every stream's seqs start above, written at once; a new outbox gets
    /// its file now, so that losing it later is noticed.
    /// </summary>
    private void RecoverHighWater(bool hadOutbox)
    {
        if (_highWater.Lost || (_highWater.Missing && hadOutbox))
        {
            var largest = _lastId; // a seq or id still on the card (segments, segment names, the ack log)
            foreach (var seq in _lastSeq.Values)
            {
                largest = Math.Max(largest, seq);
            }
            _seqFloor = Math.Max(_seqFloor, Math.Max(SkipFloor(), largest + SkipMargin));
            _highWater.RaiseFloor(FloorCounter, _seqFloor);
            // a copy of the keys without System.Linq (the agents never load it: PlainMqttFootprintTests)
            var streams = new string[_lastSeq.Count];
            _lastSeq.Keys.CopyTo(streams, 0);
            foreach (var stream in streams)
            {
                _lastSeq[stream] = Math.Max(_lastSeq[stream], _seqFloor);
                _highWater.RaiseFloor(stream, _lastSeq[stream]);
            }
            OutboxLog.HighWaterLost(_logger, _highWater.Path, _seqFloor);
        }
        else if (_highWater.Damaged)
        {
            OutboxLog.HighWaterCopyDamaged(_logger, _highWater.Path);
            _highWater.MarkForWriting();
        }
        else if (!_highWater.Missing)
        {
            return;
        }
        _highWater.RaiseFloor(IdCounter, _lastId);
        try
        {
            _highWater.Persist();
        }
        catch (Exception e) when (OutboxFiles.IsRefusal(e))
        {
            // kept in memory (RaiseFloor) and written with the next reservation, which no seq is handed out without
        }
    }

    /// <summary>
    /// Microseconds since 2020-01-01 by the latest of the clock and the outbox files' times: above every seq this device
    /// can have used, since none of its devices ran before 2020 and none hands out a million seqs a second on one
    /// stream (each message is built, written and published; a restart skips at most SeqReserveBlock - 1 and takes
    /// seconds), and after an earlier skip the seqs grew from that floor no faster. Below 2^53 (safe in any JSON
    /// reader) until the year 2285. A Raspberry Pi has no battery clock and may start before NTP sets it, hence the
    /// file times, and the margin above the largest seq or id left on the card.
    /// </summary>
    private long SkipFloor()
    {
        var newest = TimeProvider.GetUtcNow();
        foreach (var file in Directory.GetFiles(_options.Directory))
        {
            var written = new DateTimeOffset(File.GetLastWriteTimeUtc(file), TimeSpan.Zero);
            if (written > newest)
            {
                newest = written;
            }
        }
        return Math.Max(0, (newest - SkipEpoch).Ticks / TimeSpan.TicksPerMicrosecond);
    }
}
