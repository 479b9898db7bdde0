using System.Numerics;
using System.Security.Cryptography;
using CertBroker.Core.Model;

namespace CertBroker.Core.Policy;

/// <summary>
/// WC-KEY-04 over the inventory: the same RSA modulus, or a shared prime, in two devices' keys (badkeys
/// "sharedprimes"). Equal moduli are found by hash in linear time. Shared primes need a gcd between every pair of
/// distinct moduli; that runs as block products (the gcd of a modulus with the product of a block of others, modulo that modulus), so
/// its cost grows with the square of the number of keys: the re-scan only attempts it up to
/// <see cref="WeakCryptoOptions.SharedPrimeScanLimit"/> distinct moduli. Not for the request path.
/// </summary>
public sealed class SharedKeyScan
{
    private const int BlockSize = 256;
    private const string RuleId = "WC-KEY-04";

    private readonly List<Entry> _entries = [];
    private readonly Dictionary<string, int> _firstByModulus = new(StringComparer.Ordinal);
    private readonly List<(int Index, int Other)> _sameModulus = [];
    private readonly List<int> _distinct = [];

    /// <summary>Distinct moduli seen so far.</summary>
    public int DistinctModuli => _distinct.Count;

    /// <summary>Notes one certificate's key; non-RSA keys are ignored.</summary>
    public void Add(long certificateId, string serial, long? deviceId, PolicySubject subject)
    {
        if (subject is not { IsRsa: true, Modulus: { } n })
        {
            return;
        }

        int index = _entries.Count;
        _entries.Add(new Entry(certificateId, serial, deviceId, n));
        string hash = Convert.ToHexStringLower(SHA256.HashData(n.ToByteArray(isUnsigned: true, isBigEndian: true)));
        if (_firstByModulus.TryGetValue(hash, out int first))
        {
            _sameModulus.Add((index, first));
        }
        else
        {
            _firstByModulus[hash] = index;
            _distinct.Add(index);
        }
    }

    /// <summary>The WC-KEY-04 findings, one per affected certificate.</summary>
    /// <param name="findPrimes">Whether to look for shared primes too (bounded by the caller).</param>
    public IReadOnlyList<CertificateFindings> Findings(bool findPrimes)
    {
        var found = new Dictionary<long, Finding>();
        foreach ((int index, int other) in _sameModulus)
        {
            Entry a = _entries[index];
            Entry b = _entries[other];
            if (a.DeviceId is null || a.DeviceId != b.DeviceId)
            {
                found.TryAdd(a.CertificateId, SameKey(b.Serial));
                found.TryAdd(b.CertificateId, SameKey(a.Serial));
            }
        }

        if (findPrimes)
        {
            foreach ((int index, int other) in SharedPrimePairs())
            {
                Entry a = _entries[index];
                Entry b = _entries[other];
                found.TryAdd(a.CertificateId, SharedPrime(b.Serial));
                found.TryAdd(b.CertificateId, SharedPrime(a.Serial));
            }
        }

        return [.. found.Select(f => new CertificateFindings(f.Key, [f.Value]))];
    }

    private IEnumerable<(int Index, int Other)> SharedPrimePairs()
    {
        var blocks = new List<(int Start, int End, BigInteger Product)>();
        for (int start = 0; start < _distinct.Count; start += BlockSize)
        {
            int end = Math.Min(start + BlockSize, _distinct.Count);
            BigInteger product = BigInteger.One;
            for (int i = start; i < end; i++)
            {
                product *= _entries[_distinct[i]].Modulus;
            }

            blocks.Add((start, end, product));
        }

        for (int i = 0; i < _distinct.Count; i++)
        {
            BigInteger n = _entries[_distinct[i]].Modulus;
            foreach ((int start, int end, BigInteger product) in blocks)
            {
                if (end <= i)
                {
                    continue;
                }

                // Each pair is looked at once: from i, its own block (the others' product) and the blocks after it.
                bool own = start <= i;
                BigInteger others = own ? product / n : product;
                if (BigInteger.GreatestCommonDivisor(n, others % n).IsOne)
                {
                    continue;
                }

                for (int j = own ? i + 1 : start; j < end; j++)
                {
                    if (!BigInteger.GreatestCommonDivisor(n, _entries[_distinct[j]].Modulus).IsOne)
                    {
                        yield return (_distinct[i], _distinct[j]);
                    }
                }
            }
        }
    }

    private static Finding SameKey(string otherSerial) =>
        new(RuleId, FindingSeverity.Fail, $"same modulus as certificate {otherSerial}", "a key of its own",
            $"RSA key also used by another device (certificate {otherSerial})");

    private static Finding SharedPrime(string otherSerial) =>
        new(RuleId, FindingSeverity.Fail, $"prime shared with certificate {otherSerial}", "no prime shared with another key",
            $"RSA modulus shares a prime with certificate {otherSerial}: both keys are factorable");

    private sealed record Entry(long CertificateId, string Serial, long? DeviceId, BigInteger Modulus);
}
