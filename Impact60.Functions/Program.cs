using Impact60.Functions;
using Microsoft.Extensions.Hosting;

FunctionsComposition.BuildHost(args).Run();
