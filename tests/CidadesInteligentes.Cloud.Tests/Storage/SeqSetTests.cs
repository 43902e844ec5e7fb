using CidadesInteligentes.Cloud.Storage;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Storage;

/// <summary>The seq set that decides whether a telemetry seq is new: ranges merged on add and on parse, text round trip.</summary>
public sealed class SeqSetTests
{
    [Fact]
    public void Adding_in_order_keeps_one_range_and_a_repeat_is_refused()
    {
        var set = new SeqSet();
        for (var s = 1; s <= 1000; s++)
        {
            Assert.True(set.Add(s));
        }
        Assert.False(set.Add(1));
        Assert.False(set.Add(500));
        Assert.False(set.Add(1000));
        Assert.Equal("1-1000", set.ToString());
        Assert.True(set.Contains(1000));
        Assert.False(set.Contains(1001));
    }

    [Fact]
    public void Gaps_make_ranges_and_filling_them_joins_the_neighbours()
    {
        var set = new SeqSet();
        foreach (var s in new long[] { 10, 1, 2, 5, 3, 12 })
        {
            Assert.True(set.Add(s));
        }
        Assert.Equal("1-3,5,10,12", set.ToString());
        Assert.True(set.Add(11));   // joins 10 and 12
        Assert.True(set.Add(4));    // joins 1-3 and 5
        Assert.Equal("1-5,10-12", set.ToString());
        Assert.True(set.Add(9));    // extends 10-12 downwards
        Assert.True(set.Add(6));    // extends 1-5 upwards
        Assert.Equal("1-6,9-12", set.ToString());
        Assert.False(set.Contains(7));
        Assert.False(set.Contains(0));
        Assert.True(set.Contains(9));
        Assert.Equal(2, set.RangeCount);
    }

    [Theory]
    [InlineData("1-3,5-6", "1-3,5-6")]
    [InlineData("5-6,1-3", "1-3,5-6")]          // back-filled ranges need not be ordered
    [InlineData("1-3,4-6,2-2", "1-6")]          // adjacent and overlapping ranges are merged
    [InlineData("7", "7")]
    [InlineData(" 1-2 , 9 ", "1-2,9")]
    [InlineData("", "")]
    public void Parses_and_formats_the_stored_text(string text, string expected) =>
        Assert.Equal(expected, SeqSet.Parse(text).ToString());

    [Theory]
    [InlineData("1-3,5-6")]
    [InlineData("7")]
    [InlineData("1-9223372036854775806,9223372036854775807")]
    [InlineData("")]
    public void Formats_the_same_text_in_utf8_as_the_stored_one(string text)
    {
        var set = SeqSet.Parse(text);
        Span<byte> buffer = stackalloc byte[256];
        Assert.True(set.TryFormatUtf8(buffer, out var written));
        Assert.Equal(set.ToString(), System.Text.Encoding.UTF8.GetString(buffer[..written]));
    }

    [Theory]
    [InlineData("1-3,5-6", 6)]      // ends in the middle of the last bound
    [InlineData("1-3,5-6", 3)]      // no room for the comma
    [InlineData("1-3,5-6", 1)]      // no room for the dash
    [InlineData("12345", 4)]
    public void Says_when_the_utf8_text_does_not_fit(string text, int size)
    {
        var buffer = new byte[size];
        Assert.False(SeqSet.Parse(text).TryFormatUtf8(buffer, out _));
    }

    [Theory]
    [InlineData("3-1")]
    [InlineData("a-b")]
    [InlineData("-1")]
    public void Refuses_text_that_is_not_a_set_of_ranges(string text) =>
        Assert.ThrowsAny<FormatException>(() => SeqSet.Parse(text));

    [Theory]
    [InlineData("1-100", 10, 91)]
    [InlineData("1-3,5-6", 3, 3)]   // 6, 5, 3
    [InlineData("1-3,5-6", 2, 5)]
    [InlineData("4-6", 10, 4)]      // fewer than asked: the lowest
    public void Finds_the_lowest_of_the_newest_seqs(string text, long count, long expected) =>
        Assert.Equal(expected, SeqSet.Parse(text).LowestOfNewest(count));

    [Fact]
    public void A_clone_is_independent_of_the_original()
    {
        var set = SeqSet.Parse("1-5");
        var copy = set.Clone();
        Assert.True(copy.Add(6));
        Assert.Equal("1-5", set.ToString());
        Assert.Equal("1-6", copy.ToString());
    }

    [Theory]
    [InlineData("", 1, false, "")]              // an empty set has no last range: a new device changes shape
    [InlineData("1-5", 6, true, "1-6")]
    [InlineData("1-5", 7, false, "1-5")]        // a gap
    [InlineData("1-5", 5, false, "1-5")]        // already in
    [InlineData("1-3,5-6", 4, false, "1-3,5-6")] // a late seq
    [InlineData("1-3,5-6", 7, true, "1-3,5-7")]
    public void Only_the_next_seq_of_the_last_range_extends_it_in_place(string text, long seq, bool extended, string after)
    {
        var set = SeqSet.Parse(text);
        Assert.Equal(extended, set.TryExtendLast(seq));
        Assert.Equal(after, set.ToString());
    }

    [Theory]
    [InlineData("1-5", null, "1-5")]
    [InlineData("1-5", 4L, "1-5")]     // a roll-up top below the stored one changes nothing
    [InlineData("1-5", 9L, "1-9")]
    [InlineData("1-3,5-6", 8L, "1-3,5-8")]
    [InlineData("", 8L, "")]
    public void The_stored_last_range_reaches_up_to_the_roll_ups_top(string text, long? top, string completed) =>
        Assert.Equal(completed, SeqSet.Parse(text).ExtendLastTo(top).ToString());
}
