using System.Globalization;
using System.Text;

namespace CidadesInteligentes.Edge.Core.Outbox;

/// <summary>
/// Unsent messages an outbox dropped, by why: the cloud's <c>outboxOverflow</c> event says which, so an engineer reading
/// it knows whether the link was down too long (<see cref="Oldest"/>) or the SD card is failing (the other two).
/// </summary>
/// <param name="Oldest">The oldest, pushed out past <c>Outbox:MaxMessages</c> / <c>Outbox:MaxBytes</c>.</param>
/// <param name="NoSeq">New ones, never numbered: the card refused the seq reservation (full or read-only).</param>
/// <param name="Damaged">Lost in bytes damaged on the card, found when the outbox was read back at start.</param>
public readonly record struct OutboxDrops(long Oldest, long NoSeq, long Damaged)
{
    public long Total => Oldest + NoSeq + Damaged;

    public static OutboxDrops operator +(OutboxDrops a, OutboxDrops b) =>
        new(a.Oldest + b.Oldest, a.NoSeq + b.NoSeq, a.Damaged + b.Damaged);

    /// <summary>The event's detail, e.g. "30 unsent messages dropped: 28 oldest past the outbox limit, 2 damaged on the SD card".</summary>
    public string Describe()
    {
        var text = new StringBuilder(160);
        text.Append(CultureInfo.InvariantCulture, $"{Total} unsent messages dropped:");
        var first = true;
        Part(text, ref first, Oldest, "oldest past the outbox limit");
        Part(text, ref first, NoSeq, "new while the SD card refused writes");
        Part(text, ref first, Damaged, "damaged on the SD card");
        return text.ToString();
    }

    private static void Part(StringBuilder text, ref bool first, long count, string why)
    {
        if (count == 0)
        {
            return;
        }
        text.Append(first ? " " : ", ").Append(CultureInfo.InvariantCulture, $"{count} {why}");
        first = false;
    }
}
