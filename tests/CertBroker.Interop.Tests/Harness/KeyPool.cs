using System.Collections.Concurrent;

namespace CertBroker.Interop.Tests.Harness;

/// <summary>
/// RSA keys made ahead with <c>openssl genrsa -traditional</c>. Every enrolment needs its own key:
/// scepclient and strongSwan derive the transactionID from the public key, and a server must answer
/// a repeated transactionID with the same request, never a second certificate.
/// </summary>
public sealed class KeyPool
{
    // Key generation is CPU-bound: however many fixtures ask at once, run few openssl processes together.
    private static readonly SemaphoreSlim Generators = new(Math.Max(2, Environment.ProcessorCount));

    private readonly string _directory;
    private readonly ConcurrentQueue<Task<string>> _ready = new();
    private int _generated;

    public KeyPool(string directory, int prefill)
    {
        _directory = directory;
        for (var i = 0; i < prefill; i++)
        {
            _ready.Enqueue(GenerateAsync());
        }
    }

    /// <summary>Copies a fresh key into <paramref name="keyFile"/>.</summary>
    public async Task TakeAsync(string keyFile)
    {
        var source = await (_ready.TryDequeue(out var ready) ? ready : GenerateAsync());
        File.Move(source, keyFile);
    }

    /// <summary>Makes <paramref name="count"/> more keys before they are needed, e.g. ahead of a burst of clients.</summary>
    public async Task PrepareAsync(int count)
    {
        var keys = Enumerable.Range(0, count).Select(_ => GenerateAsync()).ToList();
        await Task.WhenAll(keys);
        foreach (var key in keys)
        {
            _ready.Enqueue(key);
        }
    }

    /// <summary>Waits for keys still being made, so no openssl outlives the fixture.</summary>
    public async Task DrainAsync()
    {
        while (_ready.TryDequeue(out var pending))
        {
            try
            {
                await pending;
            }
            catch (InvalidOperationException)
            {
                // A failed key generation only matters to the test that would have used it.
            }
        }
    }

    private async Task<string> GenerateAsync()
    {
        var file = Path.Combine(_directory, $"key-{Interlocked.Increment(ref _generated):D3}.pem");
        await Generators.WaitAsync();
        try
        {
            await OpenSsl.GenerateRsaKeyAsync(file);
        }
        finally
        {
            Generators.Release();
        }

        return file;
    }
}
