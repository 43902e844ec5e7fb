using Microsoft.Extensions.Logging;

namespace CidadesInteligentes.Edge.Core.Outbox;

/// <summary>The outbox's log lines, for the technician reading the journal; source-generated.</summary>
internal static partial class OutboxLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "the SD card refuses writes to the outbox in {Directory}: {Error}. New messages are kept in memory (at most Outbox:MaxMessages, the oldest dropped past it) and sent as usual, and written to the card once it has room again (tried every {RetrySeconds} s); a restart or power cut before then loses them. Free space on the card")]
    public static partial void WriteRefused(ILogger logger, string directory, string error, int retrySeconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "the SD card refuses to store the outbox's seq reservation in {Directory}: {Error}. No further seq can be handed out without risking a repeat after a crash, so new messages are dropped (counted in the next outboxOverflow event) until the card has room again. Free space on the card")]
    public static partial void ReserveRefused(ILogger logger, string directory, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "the outbox in {Directory} is writing again: every message held in memory is on the SD card now; {Dropped} messages were dropped while no seq could be reserved")]
    public static partial void WritingAgain(ILogger logger, string directory, long dropped);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} outbox messages held in memory could not be written to the SD card ({Directory}) and are lost with this stop")]
    public static partial void LostAtStop(ILogger logger, int count, string directory);

    [LoggerMessage(Level = LogLevel.Warning, Message = "outbox file {File}: {Bytes} damaged bytes in {Spans} place(s) between intact records (corrupted on the SD card) were skipped and the records after them kept; up to {Lost} unsent messages were in them and are lost (reported as an outboxOverflow event). A card that keeps doing this is failing: replace it")]
    public static partial void SegmentDamaged(ILogger logger, string file, long bytes, int spans, long lost);

    [LoggerMessage(Level = LogLevel.Warning, Message = "outbox acknowledgement log {File}: {Bytes} damaged bytes in {Spans} place(s) (corrupted on the SD card) were skipped; the messages whose acknowledgements they held go out again, and the cloud drops the duplicates")]
    public static partial void AckLogDamaged(ILogger logger, string file, long bytes, int spans);

    [LoggerMessage(Level = LogLevel.Warning, Message = "the outbox's seq high-water mark {File} was damaged or missing (corrupted on the SD card) with no intact copy left, so the seq numbers this device already used are not known: numbering on every stream resumes above {Floor}, past any number it can have used, so the cloud never drops a new message as a duplicate; it only sees the numbers jump. A card that keeps doing this is failing: replace it")]
    public static partial void HighWaterLost(ILogger logger, string file, long floor);

    [LoggerMessage(Level = LogLevel.Warning, Message = "outbox file {File}: one of its two copies was damaged (corrupted on the SD card); the seq numbers were taken from the intact copy and the file written whole again. A card that keeps doing this is failing: replace it")]
    public static partial void HighWaterCopyDamaged(ILogger logger, string file);

    [LoggerMessage(Level = LogLevel.Warning, Message = "the SD card refuses writes while the outbox starts in {Directory}: {Error}. A card the kernel remounted read-only after errors does this (see dmesg and findmnt). The agent runs on and sends the queued messages; new messages are dropped (counted in the next outboxOverflow event) until the card takes writes again, and the clean-up it refused is done at a later start. A card remounted read-only is failing: replace it")]
    public static partial void RepairRefused(ILogger logger, string directory, string error);
}
