namespace CidadesInteligentes.FirmwareSim.Physics;

/// <summary>
/// Small deterministic generator (SplitMix64) seeded from the fleet seed and a key such as a device id, so that
/// every device draws the same sequence in every run whatever the order the devices are created in.
/// </summary>
public sealed class SimRandom
{
    private ulong _state;

    public SimRandom(ulong seed) => _state = seed;

    public SimRandom(long fleetSeed, string key) => _state = Mix((ulong)fleetSeed ^ Fnv1a(key));

    public static ulong Fnv1a(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var hash = 14695981039346656037UL;
        foreach (var c in key)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }
        return hash;
    }

    public ulong NextUInt64()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    public double Uniform(double min, double max) => min + ((max - min) * NextDouble());

    /// <summary>Standard normal (Box–Muller).</summary>
    public double NextGaussian()
    {
        var u1 = 1.0 - NextDouble();
        var u2 = NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>True with probability <c>1 − e^(−rate × duration)</c>: a Poisson process with <paramref name="ratePerDay"/> events a day.</summary>
    public bool Occurs(double ratePerDay, TimeSpan step) =>
        ratePerDay > 0 && NextDouble() < 1 - Math.Exp(-ratePerDay * step.TotalDays);

    /// <summary>Poisson-distributed count with the given mean (Knuth for small means, normal approximation above 30).</summary>
    public int Poisson(double mean)
    {
        if (mean <= 0)
        {
            return 0;
        }
        if (mean > 30)
        {
            return Math.Max(0, (int)Math.Round(mean + (Math.Sqrt(mean) * NextGaussian())));
        }
        var limit = Math.Exp(-mean);
        var k = 0;
        var p = NextDouble();
        while (p > limit)
        {
            k++;
            p *= NextDouble();
        }
        return k;
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
