.queue VXM.1
 add i32, s8e, alu99999999999999999999, s8w
