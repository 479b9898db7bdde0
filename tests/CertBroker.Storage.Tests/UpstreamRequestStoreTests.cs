using CertBroker.Core.Model;
using CertBroker.Core.Storage;

namespace CertBroker.Storage.Tests;

/// <summary>IUpstreamRequestStore behaviour every database must show.</summary>
public abstract class UpstreamRequestStoreTests : StoreTestBase
{
    [Fact]
    public async Task FindUpstreamRequestAsync_Saved_ReturnsEveryField()
    {
        UpstreamRequest request = Request("tid-1") with { Attempts = 2, LastError = "timeout", Cipher = "aes256", Digest = "sha256" };
        await Store.Upstream.SaveUpstreamRequestAsync(request, CancellationToken.None);

        UpstreamRequest? found = await Store.Upstream.FindUpstreamRequestAsync(TestData.Profile, "tid-1", CancellationToken.None);

        Assert.Equal(request, found);
    }

    [Fact]
    public async Task SaveUpstreamRequestAsync_SameTransactionAgain_ReplacesTheState()
    {
        await Store.Upstream.SaveUpstreamRequestAsync(Request("tid-1"), CancellationToken.None);
        UpstreamRequest issued = Request("tid-1") with { State = UpstreamRequestState.Issued, Attempts = 3, UpdatedAt = TestData.Now.AddMinutes(5) };

        await Store.Upstream.SaveUpstreamRequestAsync(issued, CancellationToken.None);

        Assert.Equal(issued, await Store.Upstream.FindUpstreamRequestAsync(TestData.Profile, "tid-1", CancellationToken.None));
    }

    [Fact]
    public async Task ListDueUpstreamRequestsAsync_OnlyPendingOnesWhoseTimeHasCome()
    {
        await Store.Upstream.SaveUpstreamRequestAsync(Request("tid-due") with { NextAttemptAt = TestData.Now.AddMinutes(-1) }, CancellationToken.None);
        await Store.Upstream.SaveUpstreamRequestAsync(Request("tid-later") with { NextAttemptAt = TestData.Now.AddHours(1) }, CancellationToken.None);
        await Store.Upstream.SaveUpstreamRequestAsync(
            Request("tid-done") with { State = UpstreamRequestState.Issued, NextAttemptAt = TestData.Now.AddMinutes(-1) }, CancellationToken.None);

        IReadOnlyList<UpstreamRequest> due = await Store.Upstream.ListDueUpstreamRequestsAsync(TestData.Now, 10, CancellationToken.None);

        Assert.Equal("tid-due", Assert.Single(due).TransactionId);
    }

    [Fact]
    public async Task FindUpstreamRequestAsync_Unknown_ReturnsNull() =>
        Assert.Null(await Store.Upstream.FindUpstreamRequestAsync(TestData.Profile, "tid-none", CancellationToken.None));

    private static UpstreamRequest Request(string transactionId) => new()
    {
        Profile = TestData.Profile,
        TransactionId = transactionId,
        UpstreamTransactionId = "up-" + transactionId,
        State = UpstreamRequestState.Pending,
        CreatedAt = TestData.Now,
        UpdatedAt = TestData.Now,
    };
}
