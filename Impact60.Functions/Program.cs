using Impact60.Application.Pipeline;
using Impact60.Functions;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.Services.AddImpact60Functions(builder.Configuration);
builder.Build().Run();
