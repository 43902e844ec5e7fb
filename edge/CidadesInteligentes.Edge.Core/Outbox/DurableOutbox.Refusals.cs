namespace CidadesInteligentes.Edge.Core.Outbox;

// When the card refuses writes (full, remounted read-only, failing): never an exception out of the outbox, messages
// held in memory meanwhile, a retry every RetryAfterRefusal, and one log line when it starts and one when it ends.
// Callers hold _gate.
public sealed partial class DurableOutbox
{
    /// <summary>After a refusal the card is left alone this long (each try writes what still fits, then cuts it off).</summary>
    private static readonly TimeSpan RetryAfterRefusal = TimeSpan.FromSeconds(10);

    private long? _refusedAt;
    private bool _writeRefusalLogged;
    private bool _repairRefusalLogged;
    private bool _reserveRefused;
    private long _droppedUnreserved;

    /// <summary>
    /// Reserves <paramref name="seq"/> and record id <paramref name="id"/> on the card when they are past the
    /// reservation there. False when the card refuses (or was refusing moments ago): the message must not be queued,
    /// because a seq past the reservation on the card could be handed out again after a crash.
    /// </summary>
    private bool TryReserve(string stream, long seq, long id)
    {
        _highWater.Reserve(stream, seq, _options.SeqReserveBlock);
        _highWater.Reserve(IdCounter, id, _options.SeqReserveBlock);
        if (!_highWater.Pending)
        {
            return true;
        }
        if (RetryPaused())
        {
            _highWater.Forget();
            _droppedUnreserved++;
            return false;
        }
        try
        {
            _highWater.Persist();
        }
        catch (Exception e) when (OutboxFiles.IsRefusal(e))
        {
            _refusedAt = TimeProvider.GetTimestamp();
            if (!_reserveRefused)
            {
                _reserveRefused = true;
                OutboxLog.ReserveRefused(_logger, _options.Directory, e.Message);
            }
            _droppedUnreserved++;
            return false;
        }
        _reserveRefused = false;
        return true;
    }

    private void WriteRefused(Exception e)
    {
        _refusedAt = TimeProvider.GetTimestamp();
        if (!_writeRefusalLogged)
        {
            _writeRefusalLogged = true;
            OutboxLog.WriteRefused(_logger, _options.Directory, e.Message, (int)RetryAfterRefusal.TotalSeconds);
        }
    }

    private bool RetryPaused() =>
        _refusedAt is { } at && TimeProvider.GetElapsedTime(at) < RetryAfterRefusal;

    /// <summary>Writes what the card refused before: messages held in memory, the stale ack log, a segment it did not create.</summary>
    private void RetryWrites()
    {
        if (_memoryOnly.Count > 0)
        {
            WriteMemoryOnly();
        }
        if (_ackLogStale)
        {
            TryRewriteAckLog();
        }
        if (_active is null)
        {
            TryStartSegment();
        }
        CardTakesWritesAgain();
    }

    /// <summary>Says once that the card takes writes again, when nothing waits in memory any more.</summary>
    private void CardTakesWritesAgain()
    {
        if (_refusedAt is null || _reserveRefused || _memoryOnly.Count > 0 || _ackLogStale || _active is null)
        {
            return;
        }
        OutboxLog.WritingAgain(_logger, _options.Directory, _droppedUnreserved);
        _refusedAt = null;
        _writeRefusalLogged = false;
        _droppedUnreserved = 0;
    }

    /// <summary>
    /// A refused write can leave the part of the record that fitted past the stream's position (which did not move);
    /// cut it off. Best effort: the next write at that position covers it anyway, and recovery reads it as a torn tail.
    /// </summary>
    private static void CutRefusedWrite(FileStream stream)
    {
        try
        {
            stream.SetLength(stream.Position);
        }
        catch (Exception e) when (OutboxFiles.IsRefusal(e))
        {
        }
    }
}
