// Every screen of the app, in the order of the navigation bar. Add a screen
// by adding its module here.
import arrivals from './arrivals.js';
import handover from './handover.js';
import inventory from './inventory.js';
import pack from './pack.js';
import pick from './pick.js';
import queue from './queue.js';
import reports from './reports.js';
import restock from './restock.js';
import returns from './returns.js';
import signin from './signin.js';
import stage from './stage.js';
import stations from './stations.js';

export const screens = [signin, queue, arrivals, handover, pick, pack, stage, restock, returns, inventory, stations, reports];
