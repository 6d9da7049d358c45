using Impact60.Application.Configuration;
using Impact60.Application.RegisterApi;
using Impact60.Application.Storage;
using Impact60.Application.Tests.Infrastructure;
using Impact60.Application.Tests.Storage;

namespace Impact60.Application.Tests.RegisterApi;

/// <summary>
/// The cursor only moves forward, also when two pulls commit at once. The competing commit is made by a second,
/// independent client at the exact moment between the first commit's read and its write (a step in the first client's
/// HTTP pipeline), so the race is the same every run.
/// </summary>
[Collection("Azurite")]
public sealed class PullCursorTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset Page2 = new(2019, 5, 2, 2, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Page4 = new(2019, 5, 4, 2, 0, 0, TimeSpan.Zero);

    /// <summary>A host whose cursor writes are preceded, the first time, by <paramref name="competitor"/> committing on its own client.</summary>
    private async Task<(StorageTestHost Host, BeforeRequest Interception)> HostWithCompetitorAsync(Func<PullCursor, Task> competitor)
    {
        var other = new PullCursor(StorageClients.FromConnectionString(azurite.ConnectionString));
        var interception = new BeforeRequest
        {
            Matches = m => BeforeRequest.IsWriteTo(m, StorageNames.Tables.Cursors),
            Before = n => n == 1 ? competitor(other) : Task.CompletedTask,
        };
        return (await StorageTestHost.StartAsync(azurite, tablePolicy: interception), interception);
    }

    [Fact]
    public async Task Given_no_cursor_when_a_commit_of_page_2_is_overtaken_by_a_commit_of_page_4_before_it_writes_then_the_cursor_stays_at_page_4()
    {
        var (host, interception) = await HostWithCompetitorAsync(other => other.CommitAsync(Page4, "page-4"));
        await using var _ = host;

        var moved = await host.Get<PullCursor>().CommitAsync(Page2, "page-2");

        Assert.False(moved);
        Assert.Equal(Page4, await host.Get<PullCursor>().ReadAsync());
        Assert.Equal(1, interception.Count); // it tried to add the row once, was refused (409) and then found page 4 there
    }

    [Fact]
    public async Task Given_a_cursor_when_a_commit_of_page_2_is_overtaken_by_a_commit_of_page_4_between_its_read_and_its_replace_then_the_cursor_stays_at_page_4()
    {
        var (host, interception) = await HostWithCompetitorAsync(other => other.CommitAsync(Page4, "page-4"));
        await using var _ = host;
        await new PullCursor(StorageClients.FromConnectionString(azurite.ConnectionString)).CommitAsync(Page2.AddDays(-1), "page-1");

        var moved = await host.Get<PullCursor>().CommitAsync(Page2, "page-2");

        Assert.False(moved);
        Assert.Equal(Page4, await host.Get<PullCursor>().ReadAsync());
        Assert.Equal(1, interception.Count); // the replace carried the ETag it had read, was refused (412), and page 4 was found
    }

    [Fact]
    public async Task Given_a_commit_of_page_4_overtaken_by_an_older_commit_of_page_2_when_it_retries_then_it_still_moves_the_cursor_to_page_4()
    {
        var (host, interception) = await HostWithCompetitorAsync(other => other.CommitAsync(Page2, "page-2"));
        await using var _ = host;

        var moved = await host.Get<PullCursor>().CommitAsync(Page4, "page-4");

        Assert.True(moved);
        Assert.Equal(Page4, await host.Get<PullCursor>().ReadAsync());
        Assert.Equal(2, interception.Count); // the add was refused, the replace of page 2's row went through
    }

    [Fact]
    public async Task Given_a_cursor_at_page_4_when_page_2_is_committed_then_it_does_not_move_back()
    {
        await using var host = await StorageTestHost.StartAsync(azurite);
        var cursor = host.Get<PullCursor>();
        Assert.True(await cursor.CommitAsync(Page4, "page-4"));

        Assert.False(await cursor.CommitAsync(Page2, "page-2"));
        Assert.False(await cursor.CommitAsync(Page4, "page-4-again"));

        Assert.Equal(Page4, await cursor.ReadAsync());
    }
}
