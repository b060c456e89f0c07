"""A background task beside the server: read a sensor every second while
serving the latest value."""
import asyncio
from microdot import Microdot

app = Microdot()
state = {'reading': None, 'count': 0}


async def sample(period=1.0):
    while True:
        state['count'] += 1
        state['reading'] = 20 + state['count'] % 5  # read a real sensor here
        await asyncio.sleep(period)


@app.route('/reading')
async def reading(request):
    return {'reading': state['reading'], 'samples': state['count']}


async def main(port=5000):
    asyncio.create_task(sample())
    await app.start_server(port=port)              # serves until shutdown()

if __name__ == '__main__':
    asyncio.run(main())
