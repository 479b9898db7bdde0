using System.Diagnostics;
using CertBroker.Fuzz;

namespace CertBroker.Scep.Tests;

/// <summary>
/// The fuzz targets of tests/CertBroker.Fuzz run in-process on their committed corpus and a few thousand seeded
/// mutations: a short, deterministic stand-in for the afl++ run (scripts/fuzz.sh) that needs nothing installed.
/// </summary>
public sealed class FuzzSmokeTests
{
    private const int MutationsPerTarget = 1500;

    // Generous for a shared 2-core machine; a real hang or quadratic blow-up is far beyond either.
    private static readonly TimeSpan MaxPerInput = TimeSpan.FromSeconds(2);
    private const long MaxAllocatedPerInput = 32L * 1024 * 1024;

    public static TheoryData<string> Targets() => [.. FuzzTargets.All.Select(t => t.Name)];

    [Theory]
    [MemberData(nameof(Targets))]
    public void Run_CorpusAndSeededMutations_EndInDocumentedOutcomes(string name)
    {
        FuzzTarget target = FuzzTargets.Find(name)!;
        IReadOnlyList<byte[]> seeds = ReadCorpus(name);
        var mutator = new SeededMutator(16 + name.Length, seeds);
        IEnumerable<byte[]> inputs = seeds.Concat(Hostile(name)).Concat(Enumerable.Range(0, MutationsPerTarget).Select(_ => mutator.Next()));

        var failures = new List<string>();
        foreach (byte[] input in inputs)
        {
            long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            var watch = Stopwatch.StartNew();
            try
            {
                target.Run(input);
            }
            catch (Exception ex)
            {
                failures.Add($"{ex.GetType().Name}: {ex.Message} for {Keep(name, input)}\n{ex.StackTrace}");
                continue;
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
            if (watch.Elapsed > MaxPerInput || allocated > MaxAllocatedPerInput)
            {
                failures.Add($"{watch.Elapsed.TotalMilliseconds:F0} ms, {allocated} bytes allocated for {Keep(name, input)}");
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} inputs failed; first: {string.Join("\n", failures.Take(3))}");
    }

    [Fact]
    public void ReadMessage_CorpusRequests_ReachTheCsrWithTheCorpusKeys()
    {
        // The message target is only deep if its seeds decrypt: this breaks when the corpus and keys/ drift apart.
        foreach (byte[] seed in FuzzFiles.Corpus("message").Select(File.ReadAllBytes))
        {
            using PkiMessage message = PkiMessage.Read(seed);
            if (message.MessageType is MessageType.PkcsReq or MessageType.RenewalReq)
            {
                var csr = CertificationRequest.Parse(message.DecryptMessageData(CorpusKeys.DecryptionKeys).Content);
                Assert.True(csr.VerifySignature(message));
            }
        }
    }

    // A failing input goes to a file, named in the message, for `certbroker-fuzz TARGET FILE` and a regression test.
    private static string Keep(string name, byte[] input)
    {
        string directory = Path.Combine(Path.GetTempPath(), "certbroker-fuzz-smoke");
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, $"{name}-{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(input))[..16]}");
        File.WriteAllBytes(path, input);
        return path;
    }

    // Shapes mutation rarely reaches: deep nesting, huge declared lengths, an oversized GET value.
    private static IEnumerable<byte[]> Hostile(string name)
    {
        byte[] prefix = name is "names" or "get" ? [0x00] : [];
        byte[] nested = [.. Enumerable.Repeat<byte[]>([0x30, 0x80], 20_000).SelectMany(b => b)];
        yield return [];
        yield return [.. prefix, .. nested];
        yield return [.. prefix, 0x30, 0x84, 0x7f, 0xff, 0xff, 0xff, 0x02, 0x01, 0x00];
        yield return [.. prefix, .. System.Text.Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("%41", 200_000)))];
    }

    private static List<byte[]> ReadCorpus(string name)
    {
        List<byte[]> seeds = [.. FuzzFiles.Corpus(name).Concat(FuzzFiles.Regressions(name)).Select(File.ReadAllBytes)];
        Assert.NotEmpty(seeds);
        return seeds;
    }
}
