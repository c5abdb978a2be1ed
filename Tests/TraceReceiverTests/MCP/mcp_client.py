"""A real MCP client (the Python `mcp` package) driving `trace-receiver mcp` over stdio.

Usage: python3 mcp_client.py TRACE_RECEIVER_EXECUTABLE RECEIVER_URL REQUEST_ID

Lists the tools, calls observe (errors, timeline) and trace for REQUEST_ID, and trace for an id that
matches nothing; prints one JSON object with what it saw on stdout for the Swift test to check.
Exits 2 when the `mcp` package is missing.
"""

import asyncio
import json
import sys

try:
    from mcp import ClientSession, StdioServerParameters
    from mcp.client.stdio import stdio_client
except ImportError as error:  # the Swift test turns this into a failure with this message
    print(f"the Python package 'mcp' is not installed ({error}); run: python3 -m pip install mcp", file=sys.stderr)
    sys.exit(2)


def text_of(result):
    return "".join(getattr(item, "text", "") for item in result.content)


def is_error(result):
    return bool(getattr(result, "is_error", None) or getattr(result, "isError", None))


async def main(executable, receiver, request_id):
    parameters = StdioServerParameters(command=executable, args=["mcp", "--receiver", receiver])
    async with stdio_client(parameters) as (read, write):
        async with ClientSession(read, write) as session:
            initialized = await session.initialize()
            listed = await session.list_tools()
            tools = {}
            for tool in listed.tools:
                schema = getattr(tool, "input_schema", None) or getattr(tool, "inputSchema", None) or {}
                tools[tool.name] = {"description": tool.description or "", "properties": sorted(schema.get("properties", {}))}
            errors = await session.call_tool("observe", {"what": "errors", "limit": 10})
            timeline = await session.call_tool("observe", {"what": "timeline", "request_id": request_id})
            trace = await session.call_tool("trace", {"request_id": request_id})
            missing = await session.call_tool("trace", {"request_id": "no-such-request"})
            bad = await session.call_tool("observe", {"what": "everything"})
            server_info = getattr(initialized, "server_info", None) or getattr(initialized, "serverInfo", None)
            print(json.dumps({
                "server": server_info.name if server_info else None,
                "tools": tools,
                "errors": {"is_error": is_error(errors), "answer": json.loads(text_of(errors))},
                "timeline": {"is_error": is_error(timeline), "answer": json.loads(text_of(timeline))},
                "trace": {"is_error": is_error(trace), "text": text_of(trace)},
                "missing": {"is_error": is_error(missing), "text": text_of(missing)},
                "bad": {"is_error": is_error(bad), "text": text_of(bad)},
            }))


if __name__ == "__main__":
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        sys.exit(64)
    asyncio.run(main(*sys.argv[1:]))
